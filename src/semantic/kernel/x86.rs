//! The x86-64 micro-kernels of `Packed::apply`. A block of R rows × P panels (16 columns
//! each) of accumulators lives in registers, starts at the bias, and takes one FMA per row,
//! panel and input, the weights widened from f16 in registers (`vcvtph2ps`).
//!
//! An FMA's result is ready four cycles after it starts and two start per cycle, so a block
//! needs at least eight independent accumulators to keep both units busy: few rows (a three-
//! token message, the end of a longer one) are therefore run against several panels at once.
//! AVX-512 has 32 registers: up to 14 rows × 1 panel, the inputs coming straight from memory
//! as broadcast operands. AVX2 has 16 registers of half the width: up to 6 rows × 1 panel in
//! two registers each.

use std::arch::x86_64::*;
use std::ops::Range;

use super::{PANEL, Packed, panel_groups, row_blocks};

const AVX512_ROWS: usize = 14;
const AVX2_ROWS: usize = 6;

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
                (8 1) (9 1) (10 1) (11 1) (12 1) (13 1) (14 1)
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
                (1 4) (2 2) (3 2) (4 1) (5 1) (6 1)
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
