// The project's SPEC.md is this module's documentation, so that the rules the code cites are
// one click away in `cargo doc` and cannot drift from the file.
#![doc = include_str!("../../../SPEC.md")]
