//! The forward pass of a BERT encoder (all-MiniLM-L6-v2's shape), written out by hand instead
//! of a tensor framework: one message at a time, no padding, no graph, so a three-token
//! message costs three tokens of arithmetic and not a framework's fixed overhead.
//!
//! Weights are stored as f16 in `model.f16.safetensors` and stay f16 in memory: the linear
//! layers' weights are packed once at load for `kernel` (which widens them in registers), the
//! word embeddings are widened row by row as tokens need them. Every sum is in f32.

use std::path::Path;

use half::f16;
use half::slice::HalfFloatSliceExt;
use safetensors::tensor::{Dtype, SafeTensors};

use super::SemanticError;
use super::kernel::{Isa, Packed, Vectorised};

/// The fixed shape of the shipped model; `config.json` is checked against it at load.
pub const HIDDEN: usize = 384;
const HEADS: usize = 12;
const HEAD_DIM: usize = HIDDEN / HEADS;
const INTERMEDIATE: usize = 1536;
const LAYERS: usize = 6;
const LAYER_NORM_EPS: f32 = 1e-12;
pub const MAX_POSITIONS: usize = 512;
/// Attention scores computed together: one AVX-512 register, two AVX2 ones.
const SCORE_LANES: usize = 16;

struct LayerNorm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

/// One encoder layer; each `Packed` is a PyTorch `Linear`, `y = x · Wᵀ + b`.
struct Layer {
    query: Packed,
    key: Packed,
    value: Packed,
    attention_out: Packed,
    attention_norm: LayerNorm,
    intermediate: Packed,
    output: Packed,
    output_norm: LayerNorm,
}

pub struct Bert {
    /// `[vocab][HIDDEN]`, kept f16: 23 MB instead of 47, and only a message's rows are read.
    word: Vec<f16>,
    position: Vec<f32>,
    token_type: Vec<f32>,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
    vocab: usize,
    /// The kernel's code path, chosen once at load.
    isa: Isa,
}

/// Reads named tensors out of the safetensors file, widening f16 (or taking f32) to f32.
struct Weights<'a> {
    tensors: SafeTensors<'a>,
    file: &'a Path,
}

impl Weights<'_> {
    /// The tensor's little-endian bytes and dtype, its shape checked.
    fn raw(&self, name: &str, shape: &[usize]) -> Result<(&[u8], Dtype), SemanticError> {
        let view = self
            .tensors
            .tensor(name)
            .map_err(|e| self.bad(name, e.to_string()))?;
        if view.shape() != shape {
            let why = format!("shape {:?}, expected {shape:?}", view.shape());
            return Err(self.bad(name, why));
        }
        match view.dtype() {
            dtype @ (Dtype::F16 | Dtype::F32) => Ok((view.data(), dtype)),
            other => Err(self.bad(name, format!("dtype {other:?}, expected F16 or F32"))),
        }
    }

    fn bad(&self, name: &str, why: String) -> SemanticError {
        SemanticError::Model {
            path: self.file.to_path_buf(),
            message: format!("tensor `{name}`: {why}"),
        }
    }

    /// A tensor widened to f32 (or taken as it is).
    fn get(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, SemanticError> {
        let (bytes, dtype) = self.raw(name, shape)?;
        Ok(match dtype {
            Dtype::F16 => bytes
                .chunks_exact(2)
                .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            _ => bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
        })
    }

    /// A tensor as f16: the shipped file's values as they are (an f32 file is rounded).
    fn get_f16(&self, name: &str, shape: &[usize]) -> Result<Vec<f16>, SemanticError> {
        let (bytes, dtype) = self.raw(name, shape)?;
        Ok(match dtype {
            Dtype::F16 => bytes
                .chunks_exact(2)
                .map(|b| f16::from_le_bytes([b[0], b[1]]))
                .collect(),
            _ => bytes
                .chunks_exact(4)
                .map(|b| f16::from_f32(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                .collect(),
        })
    }

    fn linear(&self, prefix: &str, inputs: usize, outputs: usize) -> Result<Packed, SemanticError> {
        let weight = self.get_f16(&format!("{prefix}.weight"), &[outputs, inputs])?;
        let bias = self.get(&format!("{prefix}.bias"), &[outputs])?;
        Ok(Packed::new(&weight, bias, inputs, outputs))
    }

    fn norm(&self, prefix: &str) -> Result<LayerNorm, SemanticError> {
        Ok(LayerNorm {
            gamma: self.get(&format!("{prefix}.weight"), &[HIDDEN])?,
            beta: self.get(&format!("{prefix}.bias"), &[HIDDEN])?,
        })
    }

    fn layer(&self, i: usize) -> Result<Layer, SemanticError> {
        let p = format!("encoder.layer.{i}");
        Ok(Layer {
            query: self.linear(&format!("{p}.attention.self.query"), HIDDEN, HIDDEN)?,
            key: self.linear(&format!("{p}.attention.self.key"), HIDDEN, HIDDEN)?,
            value: self.linear(&format!("{p}.attention.self.value"), HIDDEN, HIDDEN)?,
            attention_out: self.linear(&format!("{p}.attention.output.dense"), HIDDEN, HIDDEN)?,
            attention_norm: self.norm(&format!("{p}.attention.output.LayerNorm"))?,
            intermediate: self.linear(&format!("{p}.intermediate.dense"), HIDDEN, INTERMEDIATE)?,
            output: self.linear(&format!("{p}.output.dense"), INTERMEDIATE, HIDDEN)?,
            output_norm: self.norm(&format!("{p}.output.LayerNorm"))?,
        })
    }
}

impl Bert {
    /// Parses the weights; `vocab` is the tokenizer's vocabulary size, checked against the
    /// embedding table so that no token id can index past it.
    pub fn from_safetensors(
        bytes: &[u8],
        file: &Path,
        vocab: usize,
    ) -> Result<Bert, SemanticError> {
        let tensors = SafeTensors::deserialize(bytes).map_err(|e| SemanticError::Model {
            path: file.to_path_buf(),
            message: format!("not a safetensors file: {e}"),
        })?;
        let w = Weights { tensors, file };
        let layers = (0..LAYERS).map(|i| w.layer(i)).collect::<Result<_, _>>()?;
        Ok(Bert {
            word: w.get_f16("embeddings.word_embeddings.weight", &[vocab, HIDDEN])?,
            position: w.get(
                "embeddings.position_embeddings.weight",
                &[MAX_POSITIONS, HIDDEN],
            )?,
            token_type: w.get("embeddings.token_type_embeddings.weight", &[2, HIDDEN])?,
            embedding_norm: w.norm("embeddings.LayerNorm")?,
            layers,
            vocab,
            isa: Isa::detect(),
        })
    }

    /// The same model on another code path (tests compare the paths).
    #[cfg(test)]
    fn with_isa(mut self, isa: Isa) -> Bert {
        self.isa = isa;
        self
    }

    /// Mean-pooled, L2-normalised sentence vectors of `sequences` (each already wrapped in
    /// [CLS] .. [SEP] and at most `MAX_POSITIONS` long), as sentence-transformers computes
    /// them, in one pass: the linear layers run once over every token of every sequence (the
    /// weights are read once per pass), while attention and pooling stay within each
    /// sequence. No padding: sequences are stacked, so a pass costs the sum of their lengths.
    /// A sequence's vector does not depend on the others in the pass, bit for bit: each
    /// output of the kernel is summed in the same order whatever block its row falls in.
    pub fn embed_batch(&self, sequences: &[&[u32]]) -> Vec<Vec<f32>> {
        let lengths: Vec<usize> = sequences
            .iter()
            .map(|ids| ids.len().min(MAX_POSITIONS))
            .collect();
        let tokens: usize = lengths.iter().sum();
        let mut hidden = Vec::with_capacity(tokens * HIDDEN);
        for (ids, &len) in sequences.iter().zip(&lengths) {
            hidden.extend(self.embeddings(&ids[..len]));
        }
        let longest = lengths.iter().copied().max().unwrap_or(0);
        let mut scratch = Scratch::new(tokens, longest);
        for layer in &self.layers {
            layer.forward(&mut hidden, &lengths, &mut scratch, self.isa);
        }
        let mut out = Vec::with_capacity(sequences.len());
        let mut rows = hidden.chunks_exact(HIDDEN);
        for &len in &lengths {
            let mut pooled = vec![0.0f32; HIDDEN];
            for row in rows.by_ref().take(len) {
                pooled.iter_mut().zip(row).for_each(|(p, x)| *p += x);
            }
            normalise(&mut pooled);
            out.push(pooled);
        }
        out
    }

    fn embeddings(&self, ids: &[u32]) -> Vec<f32> {
        let mut hidden = vec![0.0f32; ids.len() * HIDDEN];
        for (t, (&id, row)) in ids.iter().zip(hidden.chunks_exact_mut(HIDDEN)).enumerate() {
            // The tokenizer's ids are below its vocabulary size, checked equal at load.
            let id = (id as usize).min(self.vocab - 1);
            self.word[id * HIDDEN..(id + 1) * HIDDEN].convert_to_f32_slice(row);
            let position = &self.position[t * HIDDEN..(t + 1) * HIDDEN];
            for ((x, p), k) in row.iter_mut().zip(position).zip(&self.token_type) {
                *x = *x + p + k;
            }
            self.embedding_norm.apply(row);
        }
        hidden
    }
}

/// Buffers one forward pass reuses across layers.
struct Scratch {
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    context: Vec<f32>,
    /// One head's keys of one sequence, transposed: `[HEAD_DIM][tokens, padded]`.
    keys: Vec<f32>,
    /// One query's scores.
    scores: Vec<f32>,
    projected: Vec<f32>,
    intermediate: Vec<f32>,
}

impl Scratch {
    /// Buffers for `tokens` rows in all, the longest sequence being `longest` tokens.
    fn new(tokens: usize, longest: usize) -> Scratch {
        Scratch {
            q: vec![0.0; tokens * HIDDEN],
            k: vec![0.0; tokens * HIDDEN],
            v: vec![0.0; tokens * HIDDEN],
            context: vec![0.0; tokens * HIDDEN],
            keys: vec![0.0; HEAD_DIM * longest.next_multiple_of(SCORE_LANES)],
            scores: vec![0.0; longest.next_multiple_of(SCORE_LANES)],
            projected: vec![0.0; tokens * HIDDEN],
            intermediate: vec![0.0; tokens * INTERMEDIATE],
        }
    }
}

impl Layer {
    /// One layer over the rows of every sequence (`lengths` in order, stacked in `hidden`).
    fn forward(&self, hidden: &mut [f32], lengths: &[usize], s: &mut Scratch, isa: Isa) {
        isa.run(Forward {
            layer: self,
            hidden,
            lengths,
            s,
            isa,
        });
    }
}

/// `Layer::forward`'s arguments: the layer's element-wise steps (attention, GELU, layer norms)
/// are compiled for the kernel's code path too.
struct Forward<'a> {
    layer: &'a Layer,
    hidden: &'a mut [f32],
    lengths: &'a [usize],
    s: &'a mut Scratch,
    isa: Isa,
}

impl Vectorised for Forward<'_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let Forward {
            layer,
            hidden,
            lengths,
            s,
            isa,
        } = self;
        let tokens: usize = lengths.iter().sum();
        layer.query.apply(isa, hidden, tokens, &mut s.q);
        layer.key.apply(isa, hidden, tokens, &mut s.k);
        layer.value.apply(isa, hidden, tokens, &mut s.v);
        attention(s, lengths);
        layer
            .attention_out
            .apply(isa, &s.context, tokens, &mut s.projected);
        add_and_norm(hidden, &s.projected, &layer.attention_norm);
        layer
            .intermediate
            .apply(isa, hidden, tokens, &mut s.intermediate);
        s.intermediate.iter_mut().for_each(|x| *x = gelu(*x));
        layer
            .output
            .apply(isa, &s.intermediate, tokens, &mut s.projected);
        add_and_norm(hidden, &s.projected, &layer.output_norm);
    }
}

/// Self-attention within each sequence (`lengths` in order, stacked in `s.q`, `s.k`, `s.v`)
/// into `s.context`.
#[inline(always)]
fn attention(s: &mut Scratch, lengths: &[usize]) {
    let mut start = 0;
    for &len in lengths {
        let rows = start * HIDDEN..(start + len) * HIDDEN;
        self_attention(
            [&s.q[rows.clone()], &s.k[rows.clone()], &s.v[rows.clone()]],
            len,
            &mut s.keys,
            &mut s.scores,
            &mut s.context[rows],
        );
        start += len;
    }
}

/// Scaled dot-product attention, head by head, over one unpadded sequence of `tokens` rows
/// of queries, keys and values. Plain loops rather than a matrix routine: a message is a few
/// dozen tokens, too few for a routine's setup to pay off. Each head's keys are transposed
/// into `keys` first (rows padded with zeros to whole `SCORE_LANES`), so that a query's
/// scores are `SCORE_LANES` running sums in registers, one vector operation per dimension,
/// instead of one horizontal dot product per key; `scores` holds one query's.
#[inline(always)]
fn self_attention(
    [q, k, v]: [&[f32]; 3],
    tokens: usize,
    keys: &mut [f32],
    scores: &mut [f32],
    context: &mut [f32],
) {
    let scale = 1.0 / (HEAD_DIM as f32).sqrt();
    let padded = tokens.next_multiple_of(SCORE_LANES);
    let keys = &mut keys[..HEAD_DIM * padded];
    keys.fill(0.0);
    for head in 0..HEADS {
        let of_head = |rows: &[f32], t: usize| -> [f32; HEAD_DIM] {
            let start = t * HIDDEN + head * HEAD_DIM;
            rows[start..start + HEAD_DIM]
                .try_into()
                .expect("HEAD_DIM floats")
        };
        for s in 0..tokens {
            for (d, x) in of_head(k, s).into_iter().enumerate() {
                keys[d * padded + s] = x;
            }
        }
        for t in 0..tokens {
            let query = of_head(q, t);
            for (c, out) in scores[..padded].chunks_exact_mut(SCORE_LANES).enumerate() {
                let mut sums = [0.0f32; SCORE_LANES];
                for (qd, row) in query.iter().zip(keys.chunks_exact(padded)) {
                    let row = &row[c * SCORE_LANES..(c + 1) * SCORE_LANES];
                    sums.iter_mut().zip(row).for_each(|(s, k)| *s += qd * k);
                }
                out.iter_mut().zip(&sums).for_each(|(o, s)| *o = s * scale);
            }
            let scores = &mut scores[..tokens];
            softmax(scores);
            let mut mixed = [0.0f32; HEAD_DIM];
            for (s, &p) in scores.iter().enumerate() {
                let value = of_head(v, s);
                mixed.iter_mut().zip(&value).for_each(|(m, x)| *m += p * x);
            }
            let start = t * HIDDEN + head * HEAD_DIM;
            context[start..start + HEAD_DIM].copy_from_slice(&mixed);
        }
    }
}

impl LayerNorm {
    #[inline(always)]
    fn apply(&self, row: &mut [f32]) {
        let n = row.len() as f32;
        let mean = lane_sum(row, |x| x) / n;
        let var = lane_sum(row, |x| (x - mean) * (x - mean)) / n;
        let inv = 1.0 / (var + LAYER_NORM_EPS).sqrt();
        for ((x, g), b) in row.iter_mut().zip(&self.gamma).zip(&self.beta) {
            *x = (*x - mean) * inv * g + b;
        }
    }
}

/// The sum of `f` over `row`, in 16 running sums: one running sum is a chain of dependent
/// additions the compiler may not reorder, 16 of them fill a vector register.
#[inline(always)]
fn lane_sum(row: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let mut lanes = [0.0f32; 16];
    let chunks = row.chunks_exact(16);
    let rest: f32 = chunks.remainder().iter().map(|&x| f(x)).sum();
    for chunk in chunks {
        lanes.iter_mut().zip(chunk).for_each(|(l, &x)| *l += f(x));
    }
    lanes.iter().sum::<f32>() + rest
}

#[inline(always)]
fn add_and_norm(hidden: &mut [f32], residual: &[f32], norm: &LayerNorm) {
    for (row, add) in hidden
        .chunks_exact_mut(HIDDEN)
        .zip(residual.chunks_exact(HIDDEN))
    {
        row.iter_mut().zip(add).for_each(|(h, a)| *h += a);
        norm.apply(row);
    }
}

#[inline(always)]
fn softmax(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for x in row.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    row.iter_mut().for_each(|x| *x /= sum);
}

/// BERT's exact GELU, `x · Φ(x)`.
#[inline(always)]
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// The error function as the rational function Eigen, XLA and TVM use for f32: a few ulps
/// from the exact value, and free of branches and table look-ups, so that the GELU loop over
/// a layer's 1536 × tokens values runs in vector registers (libm's `erff` was a sixth of the
/// time of a batch of messages).
#[inline(always)]
fn erf(x: f32) -> f32 {
    // Odd numerator and even denominator, in x², highest power first.
    const NUMERATOR: [f32; 7] = [
        -2.7261424e-10,
        2.7706815e-8,
        -2.101024e-6,
        -5.6925062e-5,
        -7.3499064e-4,
        -2.9546e-3,
        -1.6096033e-2,
    ];
    const DENOMINATOR: [f32; 5] = [
        -1.45660715e-5,
        -2.1337405e-4,
        -1.682827e-3,
        -7.3733293e-3,
        -1.4264739e-2,
    ];
    // erf(±4) is ±1 in f32: the fraction is only fitted inside.
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let horner = |c: &[f32]| c[1..].iter().fold(c[0], |acc, &k| acc * x2 + k);
    x * horner(&NUMERATOR) / horner(&DENOMINATOR)
}

pub fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gelu_is_the_exact_gelu_to_a_millionth() {
        let exact = |x: f32| 0.5 * x * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2));
        let xs = (-200_000..=200_000).map(|i| i as f32 * 1e-4);
        for x in xs.chain([-1e30, -100.0, 100.0, 1e30]) {
            // A millionth, or a few f32 ulps of x where x itself is large.
            let tolerance = 1e-6 * x.abs().max(1.0);
            let (got, want) = (gelu(x), exact(x));
            assert!(
                (got - want).abs() <= tolerance,
                "gelu({x}): {got}, exactly {want}"
            );
        }
    }

    /// The shipped model on every code path this CPU has, the portable one included.
    #[test]
    fn every_code_path_gives_the_same_vectors() {
        let dir = std::path::Path::new(super::super::DEFAULT_MODEL_DIR);
        let file = dir.join("model.f16.safetensors");
        let bytes = std::fs::read(&file).expect("the shipped model");
        let load = |isa| {
            Bert::from_safetensors(&bytes, &file, 30522)
                .expect("the shipped model loads")
                .with_isa(isa)
        };
        // [CLS] the gut lining is a barrier . [SEP], a one-token input, and a long one.
        let short: &[u32] = &[101, 1996, 9535, 12175, 2003, 1037, 8803, 1012, 102];
        let long: Vec<u32> = (0..200).map(|i| 1000 + i * 37).collect();
        let inputs: [&[u32]; 3] = [short, &[101], &long];
        let want: Vec<Vec<f32>> = load(Isa::Portable).embed_batch(&inputs);
        for isa in Isa::supported() {
            let got = load(isa).embed_batch(&inputs);
            for (g, w) in got.iter().zip(&want) {
                let worst = g
                    .iter()
                    .zip(w)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f32::max);
                assert!(worst < 1e-5, "{isa:?}: largest difference {worst}");
            }
        }
    }
}
