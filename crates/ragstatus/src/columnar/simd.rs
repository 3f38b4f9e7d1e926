//! Runtime CPU dispatch for the bulk kernels.
//!
//! The library and the Python wheels are built for baseline x86-64 (SSE2), so that they run on
//! every machine a council or trust has. SSE2 has no 64-bit integer compare and no 4-wide float
//! division, which the bulk kernels lean on; AVX2 (x86-64-v3) and AVX-512 (x86-64-v4) have both.
//! The kernels are therefore written once as plain loops that the compiler vectorises, and
//! [`dispatch`] runs them compiled for the best level this CPU offers, chosen at run time
//! through the `pulp` crate (which wraps the `target_feature` machinery in a safe API, so this
//! crate still forbids `unsafe`). Where the compiler's vectorisation is slow (`rate_array`'s
//! breakpoint pass, whose comparison masks it packed into bytes through the stack), the AVX-512
//! and AVX2 levels have a kernel written with pulp's safe vector operations, and the plain loop
//! stays for the baseline. Every level computes the same integers and the same
//! correctly rounded float operations, so the codes are identical whatever the level (the
//! columnar property tests run each kernel under every level the machine has and compare).
//!
//! The environment variable `RAGSTATUS_SIMD` (`baseline`, `avx2` or `avx512`) caps the level,
//! for comparing levels on one machine or ruling dispatch out when hunting a problem; it is read
//! once, at the first bulk call. A level the CPU lacks falls back to the best one below it.
//!
//! ```
//! use ragstatus::columnar::simd::{self, Level};
//!
//! let active = simd::level();
//! assert!(Level::available().contains(&active));
//! let sum: i64 = simd::dispatch(|| (1..=100i64).sum());
//! assert_eq!(sum, 5050);
//! assert_eq!(Level::Baseline.run(|| (1..=100i64).sum::<i64>()), 5050);
//! ```

use std::sync::OnceLock;

/// An instruction-set level the bulk kernels can be compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// The target's baseline (SSE2 on x86-64): what the crate is built for.
    Baseline,
    /// x86-64-v3: AVX2, FMA, BMI2 (Intel Haswell, AMD Zen and later).
    Avx2,
    /// x86-64-v4: AVX-512 F/BW/CD/DQ/VL (Intel Skylake-SP, AMD Zen 4 and later).
    Avx512,
}

impl Level {
    /// The name, as `RAGSTATUS_SIMD` takes it: `baseline`, `avx2`, `avx512`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Baseline => "baseline",
            Level::Avx2 => "avx2",
            Level::Avx512 => "avx512",
        }
    }

    /// The level named `name` (as [`as_str`](Self::as_str) writes it, any case).
    pub fn from_name(name: &str) -> Option<Level> {
        [Level::Baseline, Level::Avx2, Level::Avx512]
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// The levels this CPU can run, lowest first (always starts with `Baseline`).
    pub fn available() -> Vec<Level> {
        let mut levels = vec![Level::Baseline];
        #[cfg(target_arch = "x86_64")]
        {
            if pulp::x86::V3::try_new().is_some() {
                levels.push(Level::Avx2);
            }
            if pulp::x86::V4::try_new().is_some() {
                levels.push(Level::Avx512);
            }
        }
        levels
    }

    /// The best level this CPU can run.
    pub fn detected() -> Level {
        Level::available()
            .last()
            .copied()
            .unwrap_or(Level::Baseline)
    }

    /// Runs `op` compiled for this level, or for the best level below it that the CPU has.
    /// `op` must be a closure whose hot loop is inlined into it (`#[inline(always)]` helpers):
    /// a call out of it runs at the callee's own level.
    #[inline(always)]
    pub fn run<R>(self, op: impl FnOnce() -> R) -> R {
        #[cfg(target_arch = "x86_64")]
        {
            if self >= Level::Avx512 {
                if let Some(simd) = pulp::x86::V4::try_new() {
                    return pulp::Simd::vectorize(simd, op);
                }
            }
            if self >= Level::Avx2 {
                if let Some(simd) = pulp::x86::V3::try_new() {
                    return pulp::Simd::vectorize(simd, op);
                }
            }
        }
        op()
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The level the bulk kernels run at: the best this CPU has, capped by `RAGSTATUS_SIMD` when
/// that names a level (an unknown name is ignored). Decided once per process.
pub fn level() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        let detected = Level::detected();
        match std::env::var("RAGSTATUS_SIMD")
            .ok()
            .as_deref()
            .and_then(Level::from_name)
        {
            Some(cap) => cap.min(detected),
            None => detected,
        }
    })
}

thread_local! {
    /// A level set by [`with_level`] for the bulk calls on this thread.
    static OVERRIDE: std::cell::Cell<Option<Level>> = const { std::cell::Cell::new(None) };
}

/// Runs `body` with the bulk kernels it calls on this thread run at `level` (or the best level
/// below it that the CPU has) instead of [`level`]: for testing that every level gives the same
/// codes, and for measuring one level against another. Kernels that split their work over
/// threads (the `_parallel` functions) run those threads at [`level`].
///
/// ```
/// use ragstatus::columnar::{rate_codes, Batch, simd::{self, Level}};
/// use ragstatus::{Polarity, Tolerance};
/// use rust_decimal_macros::dec;
///
/// let actuals = [Some(dec!(44.1)), Some(dec!(46)), None];
/// let targets = [Some(dec!(45)); 3];
/// let batch = Batch::new(&actuals, &targets, Polarity::Higher, Tolerance::absolute(dec!(2))?);
/// let best = rate_codes(&batch)?;
/// for level in Level::available() {
///     assert_eq!(simd::with_level(level, || rate_codes(&batch))?, best);
/// }
/// # Ok::<(), ragstatus::Error>(())
/// ```
pub fn with_level<R>(level: Level, body: impl FnOnce() -> R) -> R {
    struct Restore(Option<Level>);
    impl Drop for Restore {
        fn drop(&mut self) {
            OVERRIDE.with(|o| o.set(self.0));
        }
    }
    let _restore = Restore(OVERRIDE.with(|o| o.replace(Some(level))));
    body()
}

/// The level bulk calls on this thread run at: [`with_level`]'s, or else [`level`].
fn current() -> Level {
    OVERRIDE.with(std::cell::Cell::get).unwrap_or_else(level)
}

/// Runs `op` at the process's [`level`], or at the level [`with_level`] set on this thread.
#[inline(always)]
pub fn dispatch<R>(op: impl FnOnce() -> R) -> R {
    current().run(op)
}

/// pulp's AVX-512 token, when bulk calls on this thread run at [`Level::Avx512`]: for the
/// kernels written with AVX-512 operations by hand, where the compiler's own vectorisation of
/// the plain loop is slow. Run them inside `pulp::Simd::vectorize` on the token, so that the
/// operations are inlined at that level.
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx512() -> Option<pulp::x86::V4> {
    if current() >= Level::Avx512 {
        pulp::x86::V4::try_new()
    } else {
        None
    }
}

/// pulp's AVX2 token, when bulk calls on this thread run at [`Level::Avx2`] or above; as
/// [`avx512`], which a kernel written for both levels tries first.
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx2() -> Option<pulp::x86::V3> {
    if current() >= Level::Avx2 {
        pulp::x86::V3::try_new()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for level in [Level::Baseline, Level::Avx2, Level::Avx512] {
            assert_eq!(Level::from_name(level.as_str()), Some(level));
            assert_eq!(
                Level::from_name(&level.to_string().to_uppercase()),
                Some(level)
            );
        }
        assert_eq!(Level::from_name("sse9"), None);
    }

    #[test]
    fn every_available_level_runs() {
        for level in Level::available() {
            let v: Vec<f64> = (0..1000).map(f64::from).collect();
            let total = level.run(|| v.iter().map(|x| x * 2.0).sum::<f64>());
            assert_eq!(total, 999_000.0, "{level}");
        }
    }
}
