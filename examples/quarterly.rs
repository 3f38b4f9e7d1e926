//! Evaluates a quarter of indicators and prints a table (being written).

fn main() {}
