//! What the speed examples share: a repeatable generator and the calling thread's CPU time.

/// xorshift64*: the frames only need to look random, the same on every run.
pub struct Rng(pub u64);

impl Rng {
    /// Uniform in [0, 1).
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// About normal (the sum of twelve uniforms), mean 0 and standard deviation 1.
    #[allow(dead_code)] // not every example draws normals
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.next()).sum::<f64>() - 6.0
    }
}

/// The calling thread's CPU time in seconds (Linux; NaN elsewhere): on a busy machine, a
/// steadier figure than the wall time.
pub fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns / 1e9)
}
