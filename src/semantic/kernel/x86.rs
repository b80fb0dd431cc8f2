//! The x86-64 micro-kernels of `Packed::apply`: a block of rows × one panel (16 columns) of
//! accumulators lives in registers, starts at the bias, and takes one FMA per row per input
//! with the panel's weights widened from f16 in registers (`vcvtph2ps`).
//!
//! AVX2 has 16 registers: 6 rows × 2 registers of accumulators, two of weights, one for the
//! broadcast input. AVX-512 has 32: 14 rows × 1 register, the inputs coming straight from
//! memory as broadcast operands. Fewer rows than a block (the end of the input, or a three-
//! token message) use the same code instantiated for that many rows.

use std::arch::x86_64::*;

use super::{PANEL, Packed};

const AVX2_ROWS: usize = 6;
const AVX512_ROWS: usize = 14;

/// Calls `$block::<n>` for the `n` that `$rows` holds, `n` in the listed literals.
macro_rules! for_rows {
    ($rows:expr, $block:ident, $args:tt, [$($n:literal)*]) => {
        match $rows {
            $($n => $block::<$n> $args,)*
            other => unreachable!("a block of {other} rows"),
        }
    };
}

/// `Packed::apply` for one pass of `rows` rows on AVX-512F.
///
/// # Safety
/// The CPU must support AVX-512F, AVX2, FMA and F16C.
#[target_feature(enable = "avx512f,avx2,fma,f16c")]
pub unsafe fn matmul_avx512(w: &Packed, x: &[f32], rows: usize, y: &mut [f32]) {
    let (inputs, outputs) = (w.inputs, w.outputs);
    assert!(x.len() >= rows * inputs && y.len() >= rows * outputs);
    for p in 0..outputs / PANEL {
        let (panel, bias) = (w.panel(p), w.panel_bias(p));
        let mut r = 0;
        while r < rows {
            let n = (rows - r).min(AVX512_ROWS);
            let x = &x[r * inputs..(r + n) * inputs];
            let y = &mut y[r * outputs + p * PANEL..(r + n) * outputs];
            for_rows!(n, block_avx512, (x, panel, bias, y, outputs),
                [1 2 3 4 5 6 7 8 9 10 11 12 13 14]);
            r += n;
        }
    }
}

/// `R` rows of `x` (dense, `panel.len() / PANEL` inputs each) times one panel, plus its bias,
/// into `y[r * y_stride..][..PANEL]` for each row `r`.
#[target_feature(enable = "avx512f,avx2,fma,f16c")]
fn block_avx512<const R: usize>(
    x: &[f32],
    panel: &[half::f16],
    bias: &[f32; PANEL],
    y: &mut [f32],
    y_stride: usize,
) {
    let inputs = panel.len() / PANEL;
    assert!(x.len() >= R * inputs && y.len() >= (R - 1) * y_stride + PANEL);
    let (xp, wp) = (x.as_ptr(), panel.as_ptr().cast::<__m256i>());
    // SAFETY: `bias` is PANEL floats.
    let start = unsafe { _mm512_loadu_ps(bias.as_ptr()) };
    let mut acc = [start; R];
    for i in 0..inputs {
        // SAFETY: i < inputs: the panel holds inputs × PANEL halves, 32 bytes per input, and
        // x holds R rows of `inputs` floats (both asserted above).
        let w = _mm512_cvtph_ps(unsafe { _mm256_loadu_si256(wp.add(i)) });
        for (r, a) in acc.iter_mut().enumerate() {
            let xi = _mm512_set1_ps(unsafe { *xp.add(r * inputs + i) });
            *a = _mm512_fmadd_ps(xi, w, *a);
        }
    }
    for (r, a) in acc.iter().enumerate() {
        // SAFETY: row r's PANEL columns lie inside y (asserted above).
        unsafe { _mm512_storeu_ps(y.as_mut_ptr().add(r * y_stride), *a) };
    }
}

/// `Packed::apply` for one pass of `rows` rows on AVX2.
///
/// # Safety
/// The CPU must support AVX2, FMA and F16C.
#[target_feature(enable = "avx2,fma,f16c")]
pub unsafe fn matmul_avx2(w: &Packed, x: &[f32], rows: usize, y: &mut [f32]) {
    let (inputs, outputs) = (w.inputs, w.outputs);
    assert!(x.len() >= rows * inputs && y.len() >= rows * outputs);
    for p in 0..outputs / PANEL {
        let (panel, bias) = (w.panel(p), w.panel_bias(p));
        let mut r = 0;
        while r < rows {
            let n = (rows - r).min(AVX2_ROWS);
            let x = &x[r * inputs..(r + n) * inputs];
            let y = &mut y[r * outputs + p * PANEL..(r + n) * outputs];
            for_rows!(n, block_avx2, (x, panel, bias, y, outputs), [1 2 3 4 5 6]);
            r += n;
        }
    }
}

/// As `block_avx512`, each panel row in two 8-lane registers.
#[target_feature(enable = "avx2,fma,f16c")]
fn block_avx2<const R: usize>(
    x: &[f32],
    panel: &[half::f16],
    bias: &[f32; PANEL],
    y: &mut [f32],
    y_stride: usize,
) {
    let inputs = panel.len() / PANEL;
    assert!(x.len() >= R * inputs && y.len() >= (R - 1) * y_stride + PANEL);
    let (xp, wp) = (x.as_ptr(), panel.as_ptr().cast::<__m128i>());
    // SAFETY: `bias` is PANEL = 16 floats.
    let start = unsafe {
        [
            _mm256_loadu_ps(bias.as_ptr()),
            _mm256_loadu_ps(bias.as_ptr().add(8)),
        ]
    };
    let mut acc = [start; R];
    for i in 0..inputs {
        // SAFETY: i < inputs: the panel holds inputs × 16 halves, two 16-byte halves of 8 per
        // input, and x holds R rows of `inputs` floats (both asserted above).
        let (lo, hi) = unsafe {
            (
                _mm_loadu_si128(wp.add(2 * i)),
                _mm_loadu_si128(wp.add(2 * i + 1)),
            )
        };
        let (lo, hi) = (_mm256_cvtph_ps(lo), _mm256_cvtph_ps(hi));
        for (r, a) in acc.iter_mut().enumerate() {
            let xi = _mm256_set1_ps(unsafe { *xp.add(r * inputs + i) });
            a[0] = _mm256_fmadd_ps(xi, lo, a[0]);
            a[1] = _mm256_fmadd_ps(xi, hi, a[1]);
        }
    }
    for (r, a) in acc.iter().enumerate() {
        // SAFETY: row r's 16 columns lie inside y (asserted above).
        unsafe {
            let out = y.as_mut_ptr().add(r * y_stride);
            _mm256_storeu_ps(out, a[0]);
            _mm256_storeu_ps(out.add(8), a[1]);
        }
    }
}
