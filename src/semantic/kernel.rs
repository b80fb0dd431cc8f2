//! The matrix kernel behind the encoder's linear layers: `y = x · Wᵀ + b`.
//!
//! The weights are packed once, at load, into the order the kernel reads them: panels of
//! `PANEL` output columns, each holding every input (`[input][column]`), so a call streams
//! each weight exactly once per pass instead of repacking 10 M weights every time. They stay
//! in f16: a short message is bound by reading the weights, and 21 MB of f16 fits in this
//! machine's L3 where 42 MB of f32 did not. They are widened to f32 in registers and every
//! sum is in f32, so results are those of the f32 path up to the order of summation.
//!
//! Which code runs is chosen once, at load (`Isa::detect`): an AVX-512 or an AVX2+FMA+F16C
//! micro-kernel on x86-64 (`kernel/x86.rs`), plain Rust loops anywhere else.

use std::ops::Range;

use half::f16;
use half::slice::HalfFloatSliceExt;

#[cfg(target_arch = "x86_64")]
mod x86;

/// Output columns per panel: one AVX-512 register, two AVX2 registers.
pub const PANEL: usize = 16;

/// Rows per pass over the weights. Each panel is read from L3 once per pass and then reused
/// for every row of the pass from L1/L2, while the rows themselves (84 × 1536 inputs × 4
/// bytes = 516 KB at most) stay in L2; only inputs longer than this take more than one pass.
const ROW_CHUNK: usize = 84;

/// Panels a block of rows runs through before the next block starts: 8 panels of 1536 inputs
/// are 384 KB of f16, which stay in L2 while every block of the pass reads them.
const PANEL_GROUP: usize = 8;

/// The code path the kernel (and the encoder's other loops) run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    /// AVX-512F: one 16-lane register per panel row. Zen 5 and recent Xeons run it at twice
    /// the f32 rate of AVX2.
    Avx512,
    /// AVX2 with FMA and F16C.
    Avx2,
    /// Plain Rust that the compiler vectorises for whatever the target has.
    Portable,
}

impl Isa {
    /// The fastest path this CPU supports.
    pub fn detect() -> Isa {
        Isa::supported().into_iter().next().unwrap_or(Isa::Portable)
    }

    /// Runs `work` compiled for this path: its loops may use the path's vector instructions
    /// (the encoder's element-wise steps, compiled for x86-64's baseline, ran four lanes at a
    /// time). See `Vectorised`.
    pub fn run<V: Vectorised>(self, work: V) -> V::Output {
        match self {
            // SAFETY: as in `Packed::apply`, these paths come from `Isa::supported`.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { x86::with_avx512(work) },
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { x86::with_avx2(work) },
            _ => work.run(),
        }
    }

    /// Every path this CPU can run, fastest first (`Portable` always last).
    pub fn supported() -> Vec<Isa> {
        let mut found = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            let avx2 = is_x86_feature_detected!("avx2")
                && is_x86_feature_detected!("fma")
                && is_x86_feature_detected!("f16c");
            if avx2 && is_x86_feature_detected!("avx512f") {
                found.push(Isa::Avx512);
            }
            if avx2 {
                found.push(Isa::Avx2);
            }
        }
        found.push(Isa::Portable);
        found
    }
}

/// Work for `Isa::run`. `run` must be `#[inline(always)]`, and so must the functions it
/// calls that should be vectorised: only code inlined into `Isa::run`'s per-path functions is
/// compiled for that path (a closure would not do: the compiler may keep it out of line).
pub trait Vectorised {
    type Output;
    fn run(self) -> Self::Output;
}

/// A linear layer's weights in panels of f16, with its bias.
pub struct Packed {
    /// Panel `p` is `panels[p * inputs * PANEL..][..inputs * PANEL]`, laid out
    /// `[input][column]`: the weight from input `i` to output `p * PANEL + c` is at
    /// `i * PANEL + c` within it.
    panels: Vec<f16>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

impl Packed {
    /// Packs a PyTorch `Linear`: `weight` is `[outputs][inputs]` row-major, `bias` has
    /// `outputs` entries. `outputs` must be a multiple of `PANEL` (every layer of the model is).
    pub fn new(weight: &[f16], bias: Vec<f32>, inputs: usize, outputs: usize) -> Packed {
        assert!(
            outputs.is_multiple_of(PANEL),
            "{outputs} outputs is not whole panels"
        );
        assert_eq!(weight.len(), inputs * outputs);
        assert_eq!(bias.len(), outputs);
        let mut panels = Vec::with_capacity(weight.len());
        for panel in weight.chunks_exact(inputs * PANEL) {
            // `panel` is PANEL output rows of `inputs` weights: interleave them by input.
            for i in 0..inputs {
                panels.extend((0..PANEL).map(|c| panel[c * inputs + i]));
            }
        }
        Packed {
            panels,
            bias,
            inputs,
            outputs,
        }
    }

    /// `y[rows × outputs] = x[rows × inputs] · Wᵀ + b`, both row-major and dense.
    pub fn apply(&self, isa: Isa, x: &[f32], rows: usize, y: &mut [f32]) {
        assert!(
            x.len() >= rows * self.inputs,
            "x is shorter than {rows} rows"
        );
        assert!(
            y.len() >= rows * self.outputs,
            "y is shorter than {rows} rows"
        );
        for start in (0..rows).step_by(ROW_CHUNK) {
            let n = (rows - start).min(ROW_CHUNK);
            let x = &x[start * self.inputs..(start + n) * self.inputs];
            let y = &mut y[start * self.outputs..(start + n) * self.outputs];
            match isa {
                // SAFETY: `Isa::Avx512` and `Isa::Avx2` come from `Isa::supported`, which
                // checked that the CPU has the features these functions are compiled for.
                #[cfg(target_arch = "x86_64")]
                Isa::Avx512 => unsafe { x86::matmul_avx512(self, x, n, y) },
                #[cfg(target_arch = "x86_64")]
                Isa::Avx2 => unsafe { x86::matmul_avx2(self, x, n, y) },
                _ => self.matmul_portable(x, n, y),
            }
        }
    }

    fn panel(&self, p: usize) -> &[f16] {
        &self.panels[p * self.inputs * PANEL..(p + 1) * self.inputs * PANEL]
    }

    fn panel_bias(&self, p: usize) -> &[f32; PANEL] {
        self.bias[p * PANEL..(p + 1) * PANEL]
            .try_into()
            .expect("PANEL entries")
    }

    /// The fallback: each panel widened to f32 once, then row by row in loops over the
    /// panel's columns that the compiler turns into vector code.
    fn matmul_portable(&self, x: &[f32], rows: usize, y: &mut [f32]) {
        let mut wide = vec![0.0f32; self.inputs * PANEL];
        for p in 0..self.outputs / PANEL {
            self.panel(p).convert_to_f32_slice(&mut wide);
            for (x_row, y_row) in x
                .chunks_exact(self.inputs)
                .zip(y.chunks_exact_mut(self.outputs))
                .take(rows)
            {
                let mut acc = *self.panel_bias(p);
                for (&xi, w) in x_row.iter().zip(wide.chunks_exact(PANEL)) {
                    for (a, &wc) in acc.iter_mut().zip(w) {
                        *a += xi * wc;
                    }
                }
                y_row[p * PANEL..(p + 1) * PANEL].copy_from_slice(&acc);
            }
        }
    }
}

/// Panel ranges of `PANEL_GROUP` (the last one shorter) covering `panels`.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn panel_groups(panels: usize) -> impl Iterator<Item = Range<usize>> {
    (0..panels)
        .step_by(PANEL_GROUP)
        .map(move |p| p..(p + PANEL_GROUP).min(panels))
}

/// `rows` split into the fewest blocks of at most `most` rows, as even as can be: 15 rows are
/// 7 + 8, not 14 + 1, since a block of one row keeps the FMA units a quarter busy.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn row_blocks(rows: usize, most: usize) -> impl Iterator<Item = Range<usize>> {
    let blocks = rows.div_ceil(most);
    (0..blocks).map(move |b| rows * b / blocks..rows * (b + 1) / blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in [-1, 1) (a linear congruential generator).
    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut s = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                ((s >> 40) as f32 / (1u64 << 23) as f32) - 1.0
            })
            .collect()
    }

    /// `y = x · Wᵀ + b` in f64, straight from the definition, and for each output the sum of
    /// the terms' magnitudes (the scale of an f32 rounding error).
    fn naive(w: &[f16], b: &[f32], x: &[f32], inputs: usize) -> Vec<(f64, f64)> {
        let outputs = b.len();
        let mut y = Vec::new();
        for x_row in x.chunks_exact(inputs) {
            for o in 0..outputs {
                let mut sum = f64::from(b[o]);
                let mut size = f64::from(b[o].abs());
                for (i, &xi) in x_row.iter().enumerate() {
                    let term = f64::from(xi) * f64::from(w[o * inputs + i].to_f32());
                    sum += term;
                    size += term.abs();
                }
                y.push((sum, size));
            }
        }
        y
    }

    #[test]
    fn every_path_matches_a_naive_product_on_odd_sizes() {
        let paths = Isa::supported();
        assert!(paths.contains(&Isa::Portable));
        for rows in [1, 3, 7, 17, 80, 100, 190] {
            for (inputs, outputs) in [(1, 16), (5, 32), (37, 48), (384, 16), (100, 64), (9, 208)] {
                let w: Vec<f16> = values(inputs * outputs, 1)
                    .into_iter()
                    .map(f16::from_f32)
                    .collect();
                let b = values(outputs, 2);
                let x = values(rows * inputs, 3);
                let want = naive(&w, &b, &x, inputs);
                let packed = Packed::new(&w, b.clone(), inputs, outputs);
                for &isa in &paths {
                    // One row more than asked: the kernel must leave it alone.
                    let mut y = vec![7.0f32; (rows + 1) * outputs];
                    packed.apply(isa, &x, rows, &mut y);
                    for (i, (&got, &(sum, size))) in y.iter().zip(&want).enumerate() {
                        let err = (f64::from(got) - sum).abs();
                        assert!(
                            err <= 1e-6 * size + 1e-7,
                            "{isa:?} {rows}x{inputs}->{outputs}, [{i}]: {got} vs {sum}"
                        );
                    }
                    assert!(y[rows * outputs..].iter().all(|&v| v == 7.0), "{isa:?}");
                }
            }
        }
    }

    #[test]
    fn row_blocks_are_even_and_cover_every_row() {
        for rows in 0..100 {
            let blocks: Vec<_> = row_blocks(rows, 14).collect();
            assert_eq!(blocks.len(), rows.div_ceil(14));
            let sizes: Vec<usize> = blocks.iter().map(|b| b.len()).collect();
            let (min, max) = (sizes.iter().min(), sizes.iter().max());
            assert!(max <= Some(&14) && max.zip(min).is_none_or(|(a, b)| a - b <= 1));
            let joined: Vec<usize> = blocks.into_iter().flatten().collect();
            assert_eq!(joined, (0..rows).collect::<Vec<_>>());
        }
    }

    #[test]
    fn zero_rows_write_nothing() {
        let packed = Packed::new(&[f16::ONE; 32], vec![0.0; 16], 2, 16);
        for isa in Isa::supported() {
            let mut y = [3.0f32; 16];
            packed.apply(isa, &[], 0, &mut y);
            assert_eq!(y, [3.0; 16]);
        }
    }
}
