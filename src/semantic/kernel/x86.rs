//! The x86-64 micro-kernels of `Packed::apply`. A block of R rows × P panels (16 columns
//! each) of accumulators lives in registers, starts at the bias, and takes one FMA per row,
//! panel and input, the weights widened from f16 in registers (`vcvtph2ps`).
//!
//! An FMA's result is ready four cycles after it starts and two start per cycle, so a block
//! needs at least eight independent accumulators to keep both units busy: few rows (a three-
//! token message, the end of a longer one) are therefore run against several panels at once.
//! AVX-512 has 32 registers: up to 14 rows × 2 panels (28 accumulators; 2 panels instead of
//! 1 took a pass over the model for 19 rows from 1.83 to 1.65 ms, as each input read from
//! memory feeds two FMAs). AVX2 has 16 registers of half the width: up to 6 rows × 1 panel in
//! two registers each (3 rows × 2 panels would need 17 and ran at half the speed).
//!
//! The first block of rows reads each panel from L3 (or memory), one 12-48 KB stream after
//! another, too short for the hardware prefetcher to get ahead: the kernel asks for the line
//! `PREFETCH_BYTES` ahead itself, which took a pass over the model's weights for 19 rows from
//! 3.0 to 1.9 ms (and for 3 rows from 0.5 to 0.4 ms).

use std::arch::x86_64::*;
use std::ops::Range;

use super::{PANEL, Packed, Vectorised, panel_groups, row_blocks};

const AVX512_ROWS: usize = 14;
const AVX2_ROWS: usize = 6;
/// How far ahead of the block's reads (within one panel stream; the next panel follows in
/// memory) the kernel prefetches: 4 KB in all, at least 2 KB per stream, found by trying 0.5-4 KB.
const PREFETCH_BYTES: usize = 4096;

/// Calls `$run::<R, P>$args` for the `R` that `$rows` holds, with the `P` listed beside it.
macro_rules! for_rows {
    ($rows:expr, $run:ident, $args:tt, [$(($r:literal $p:literal))*]) => {
        match $rows {
            $($r => $run::<$r, $p> $args,)*
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
    assert!(x.len() >= rows * w.inputs && y.len() >= rows * w.outputs);
    for panels in panel_groups(w.outputs / PANEL) {
        for rows in row_blocks(rows, AVX512_ROWS) {
            let x = &x[rows.start * w.inputs..rows.end * w.inputs];
            let y = &mut y[rows.start * w.outputs..rows.end * w.outputs];
            for_rows!(rows.len(), panels_avx512, (w, panels.clone(), x, y), [
                (1 8) (2 4) (3 4) (4 2) (5 2) (6 2) (7 2)
                (8 2) (9 2) (10 2) (11 2) (12 2) (13 2) (14 2)
            ]);
        }
    }
}

/// R rows of `x` times `panels`, P panels at a time.
#[target_feature(enable = "avx512f,avx2,fma,f16c")]
fn panels_avx512<const R: usize, const P: usize>(
    w: &Packed,
    panels: Range<usize>,
    x: &[f32],
    y: &mut [f32],
) {
    let mut p = panels.start;
    while p + P <= panels.end {
        block_avx512::<R, P>(w, p, x, y);
        p += P;
    }
    for p in p..panels.end {
        block_avx512::<R, 1>(w, p, x, y);
    }
}

/// R rows of `x` (dense, `w.inputs` each) times panels `first..first + P`, plus their bias,
/// into the same rows and columns of `y` (dense, `w.outputs` each).
#[target_feature(enable = "avx512f,avx2,fma,f16c")]
fn block_avx512<const R: usize, const P: usize>(
    w: &Packed,
    first: usize,
    x: &[f32],
    y: &mut [f32],
) {
    let (inputs, columns) = (w.inputs, first * PANEL..(first + P) * PANEL);
    let weights = &w.panels[columns.start * inputs..columns.end * inputs];
    let bias = &w.bias[columns.clone()];
    assert!(x.len() >= R * inputs && y.len() >= (R - 1) * w.outputs + columns.end);
    let (xp, wp) = (x.as_ptr(), weights.as_ptr().cast::<__m256i>());
    let mut acc = [[_mm512_setzero_ps(); P]; R];
    for row in acc.iter_mut() {
        for (j, a) in row.iter_mut().enumerate() {
            // SAFETY: `bias` holds P × PANEL floats.
            *a = unsafe { _mm512_loadu_ps(bias.as_ptr().add(j * PANEL)) };
        }
    }
    for i in 0..inputs {
        if i % 2 == 0 {
            prefetch::<P>(weights, inputs, i);
        }
        let mut panel = [_mm512_setzero_ps(); P];
        for (j, v) in panel.iter_mut().enumerate() {
            // SAFETY: panel j holds `inputs` runs of PANEL halves (32 bytes), i < inputs.
            *v = _mm512_cvtph_ps(unsafe { _mm256_loadu_si256(wp.add(j * inputs + i)) });
        }
        for (r, row) in acc.iter_mut().enumerate() {
            // SAFETY: x holds R rows of `inputs` floats (asserted above), i < inputs.
            let xi = _mm512_set1_ps(unsafe { *xp.add(r * inputs + i) });
            for (a, v) in row.iter_mut().zip(&panel) {
                *a = _mm512_fmadd_ps(xi, *v, *a);
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        for (j, a) in row.iter().enumerate() {
            // SAFETY: row r's columns lie inside y (asserted above).
            let out = r * w.outputs + columns.start + j * PANEL;
            unsafe { _mm512_storeu_ps(y.as_mut_ptr().add(out), *a) };
        }
    }
}

/// `Packed::apply` for one pass of `rows` rows on AVX2.
///
/// # Safety
/// The CPU must support AVX2, FMA and F16C.
#[target_feature(enable = "avx2,fma,f16c")]
pub unsafe fn matmul_avx2(w: &Packed, x: &[f32], rows: usize, y: &mut [f32]) {
    assert!(x.len() >= rows * w.inputs && y.len() >= rows * w.outputs);
    for panels in panel_groups(w.outputs / PANEL) {
        for rows in row_blocks(rows, AVX2_ROWS) {
            let x = &x[rows.start * w.inputs..rows.end * w.inputs];
            let y = &mut y[rows.start * w.outputs..rows.end * w.outputs];
            for_rows!(rows.len(), panels_avx2, (w, panels.clone(), x, y), [
                (1 4) (2 2) (3 1) (4 1) (5 1) (6 1)
            ]);
        }
    }
}

/// As `panels_avx512`.
#[target_feature(enable = "avx2,fma,f16c")]
fn panels_avx2<const R: usize, const P: usize>(
    w: &Packed,
    panels: Range<usize>,
    x: &[f32],
    y: &mut [f32],
) {
    let mut p = panels.start;
    while p + P <= panels.end {
        block_avx2::<R, P>(w, p, x, y);
        p += P;
    }
    for p in p..panels.end {
        block_avx2::<R, 1>(w, p, x, y);
    }
}

/// As `block_avx512`, each panel row in two 8-lane registers.
#[target_feature(enable = "avx2,fma,f16c")]
fn block_avx2<const R: usize, const P: usize>(w: &Packed, first: usize, x: &[f32], y: &mut [f32]) {
    let (inputs, columns) = (w.inputs, first * PANEL..(first + P) * PANEL);
    let weights = &w.panels[columns.start * inputs..columns.end * inputs];
    let bias = &w.bias[columns.clone()];
    assert!(x.len() >= R * inputs && y.len() >= (R - 1) * w.outputs + columns.end);
    // Half a panel's row, 8 halves, is 16 bytes: `__m128i` j * 2 * inputs + 2 * i (+ 1).
    let (xp, wp) = (x.as_ptr(), weights.as_ptr().cast::<__m128i>());
    let mut acc = [[[_mm256_setzero_ps(); 2]; P]; R];
    for row in acc.iter_mut() {
        for (j, pair) in row.iter_mut().enumerate() {
            for (h, a) in pair.iter_mut().enumerate() {
                // SAFETY: `bias` holds P × PANEL floats.
                *a = unsafe { _mm256_loadu_ps(bias.as_ptr().add(j * PANEL + h * 8)) };
            }
        }
    }
    for i in 0..inputs {
        if i % 2 == 0 {
            prefetch::<P>(weights, inputs, i);
        }
        let mut panel = [[_mm256_setzero_ps(); 2]; P];
        for (j, pair) in panel.iter_mut().enumerate() {
            for (h, v) in pair.iter_mut().enumerate() {
                // SAFETY: panel j holds `inputs` runs of 2 × 16 bytes, i < inputs.
                *v = _mm256_cvtph_ps(unsafe { _mm_loadu_si128(wp.add(2 * (j * inputs + i) + h)) });
            }
        }
        for (r, row) in acc.iter_mut().enumerate() {
            // SAFETY: x holds R rows of `inputs` floats (asserted above), i < inputs.
            let xi = _mm256_set1_ps(unsafe { *xp.add(r * inputs + i) });
            for (pair, v) in row.iter_mut().zip(&panel) {
                pair[0] = _mm256_fmadd_ps(xi, v[0], pair[0]);
                pair[1] = _mm256_fmadd_ps(xi, v[1], pair[1]);
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        for (j, pair) in row.iter().enumerate() {
            for (h, a) in pair.iter().enumerate() {
                // SAFETY: row r's columns lie inside y (asserted above).
                let out = r * w.outputs + columns.start + j * PANEL + h * 8;
                unsafe { _mm256_storeu_ps(y.as_mut_ptr().add(out), *a) };
            }
        }
    }
}

/// Prefetches, in each of the P panels of `weights`, the line `PREFETCH_BYTES / P` (at least
/// 2 KB) past input `i`'s 32 bytes. A prefetch past the end is harmless (the address is only a
/// hint, never read), hence `wrapping_add`.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn prefetch<const P: usize>(weights: &[half::f16], inputs: usize, i: usize) {
    let base = weights.as_ptr().cast::<i8>();
    for j in 0..P {
        let ahead = (j * inputs + i) * 32 + (PREFETCH_BYTES / P).max(2048);
        _mm_prefetch::<_MM_HINT_T0>(base.wrapping_add(ahead));
    }
}

/// Runs `work`, inlined here and so compiled for AVX-512.
#[target_feature(enable = "avx512f,avx2,fma,f16c")]
pub fn with_avx512<V: Vectorised>(work: V) -> V::Output {
    work.run()
}

/// Runs `work`, inlined here and so compiled for AVX2.
#[target_feature(enable = "avx2,fma,f16c")]
pub fn with_avx2<V: Vectorised>(work: V) -> V::Output {
    work.run()
}
