//! The forward pass of a BERT encoder (all-MiniLM-L6-v2's shape), written out over
//! `matrixmultiply`'s sgemm instead of a tensor framework: one message at a time, no padding,
//! no graph, no allocation beyond a few scratch buffers, so a three-token message costs three
//! tokens of arithmetic and not a framework's fixed overhead.
//!
//! Weights are stored as f16 in `model.f16.safetensors` (half the bytes in git) and widened to
//! f32 once at load; every sum is in f32.

use std::path::Path;

use safetensors::tensor::{Dtype, SafeTensors};

use super::SemanticError;

/// The fixed shape of the shipped model; `config.json` is checked against it at load.
pub const HIDDEN: usize = 384;
const HEADS: usize = 12;
const HEAD_DIM: usize = HIDDEN / HEADS;
const INTERMEDIATE: usize = 1536;
const LAYERS: usize = 6;
const LAYER_NORM_EPS: f32 = 1e-12;
pub const MAX_POSITIONS: usize = 512;

/// `y = x · Wᵀ + b` for a PyTorch `Linear`. The file stores W as `[out, in]`; it is kept
/// transposed, `[in, out]` row-major, because sgemm packs the whole weight matrix on every
/// call and reading it along rows instead of down columns made a three-token message cost
/// nearly as much as a fifteen-token one.
struct Linear {
    weight_t: Vec<f32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

struct LayerNorm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

pub struct Bert {
    word: Vec<f32>,
    position: Vec<f32>,
    token_type: Vec<f32>,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
    vocab: usize,
}

/// Reads named tensors out of the safetensors file, widening f16 (or taking f32) to f32.
struct Weights<'a> {
    tensors: SafeTensors<'a>,
    file: &'a Path,
}

impl Weights<'_> {
    fn get(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, SemanticError> {
        let bad = |why: String| SemanticError::Model {
            path: self.file.to_path_buf(),
            message: format!("tensor `{name}`: {why}"),
        };
        let view = self.tensors.tensor(name).map_err(|e| bad(e.to_string()))?;
        if view.shape() != shape {
            return Err(bad(format!("shape {:?}, expected {shape:?}", view.shape())));
        }
        let bytes = view.data();
        match view.dtype() {
            Dtype::F16 => Ok(bytes
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect()),
            Dtype::F32 => Ok(bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()),
            other => Err(bad(format!("dtype {other:?}, expected F16 or F32"))),
        }
    }

    fn linear(&self, prefix: &str, inputs: usize, outputs: usize) -> Result<Linear, SemanticError> {
        let weight = self.get(&format!("{prefix}.weight"), &[outputs, inputs])?;
        let mut weight_t = vec![0.0f32; weight.len()];
        for (o, row) in weight.chunks_exact(inputs).enumerate() {
            for (i, w) in row.iter().enumerate() {
                weight_t[i * outputs + o] = *w;
            }
        }
        Ok(Linear {
            weight_t,
            bias: self.get(&format!("{prefix}.bias"), &[outputs])?,
            inputs,
            outputs,
        })
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
            word: w.get("embeddings.word_embeddings.weight", &[vocab, HIDDEN])?,
            position: w.get(
                "embeddings.position_embeddings.weight",
                &[MAX_POSITIONS, HIDDEN],
            )?,
            token_type: w.get("embeddings.token_type_embeddings.weight", &[2, HIDDEN])?,
            embedding_norm: w.norm("embeddings.LayerNorm")?,
            layers,
            vocab,
        })
    }

    /// Mean-pooled, L2-normalised sentence vector of `ids` (already wrapped in [CLS] .. [SEP]
    /// and at most `MAX_POSITIONS` long), as sentence-transformers computes it.
    pub fn embed(&self, ids: &[u32]) -> Vec<f32> {
        self.embed_batch(&[ids]).pop().unwrap_or_default()
    }

    /// `embed` of several sequences in one pass: the linear layers run once over every token
    /// of every sequence (one weight packing per layer instead of one per sequence), while
    /// attention and pooling stay within each sequence. Results are those of `embed`.
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
            layer.forward(&mut hidden, &lengths, &mut scratch);
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
            let word = &self.word[id * HIDDEN..(id + 1) * HIDDEN];
            let position = &self.position[t * HIDDEN..(t + 1) * HIDDEN];
            for i in 0..HIDDEN {
                row[i] = word[i] + position[i] + self.token_type[i];
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
            scores: vec![0.0; longest * longest],
            projected: vec![0.0; tokens * HIDDEN],
            intermediate: vec![0.0; tokens * INTERMEDIATE],
        }
    }
}

impl Layer {
    /// One layer over the rows of every sequence (`lengths` in order, stacked in `hidden`).
    fn forward(&self, hidden: &mut [f32], lengths: &[usize], s: &mut Scratch) {
        let tokens: usize = lengths.iter().sum();
        self.query.apply(hidden, tokens, &mut s.q);
        self.key.apply(hidden, tokens, &mut s.k);
        self.value.apply(hidden, tokens, &mut s.v);
        let mut start = 0;
        for &len in lengths {
            let rows = start * HIDDEN..(start + len) * HIDDEN;
            self_attention(
                &s.q[rows.clone()],
                &s.k[rows.clone()],
                &s.v[rows.clone()],
                len,
                &mut s.scores,
                &mut s.context[rows],
            );
            start += len;
        }
        self.attention_out
            .apply(&s.context, tokens, &mut s.projected);
        add_and_norm(hidden, &s.projected, &self.attention_norm);
        self.intermediate.apply(hidden, tokens, &mut s.intermediate);
        s.intermediate.iter_mut().for_each(|x| *x = gelu(*x));
        self.output.apply(&s.intermediate, tokens, &mut s.projected);
        add_and_norm(hidden, &s.projected, &self.output_norm);
    }
}

/// Scaled dot-product attention, head by head, over one unpadded sequence.
fn self_attention(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    tokens: usize,
    scores: &mut [f32],
    context: &mut [f32],
) {
    let scale = 1.0 / (HEAD_DIM as f32).sqrt();
    for head in 0..HEADS {
        let off = head * HEAD_DIM;
        // scores[t × t] = Q_h · K_hᵀ, reading each head's columns in place through strides.
        // SAFETY (all sgemm calls): the slices hold tokens × HIDDEN (or tokens × tokens)
        // floats, and every (row, column) the strides address lies inside them.
        unsafe {
            matrixmultiply::sgemm(
                tokens,
                HEAD_DIM,
                tokens,
                scale,
                q.as_ptr().add(off),
                HIDDEN as isize,
                1,
                k.as_ptr().add(off),
                1,
                HIDDEN as isize,
                0.0,
                scores.as_mut_ptr(),
                tokens as isize,
                1,
            );
        }
        scores[..tokens * tokens]
            .chunks_exact_mut(tokens)
            .for_each(softmax);
        unsafe {
            matrixmultiply::sgemm(
                tokens,
                tokens,
                HEAD_DIM,
                1.0,
                scores.as_ptr(),
                tokens as isize,
                1,
                v.as_ptr().add(off),
                HIDDEN as isize,
                1,
                0.0,
                context.as_mut_ptr().add(off),
                HIDDEN as isize,
                1,
            );
        }
    }
}

impl Linear {
    fn apply(&self, x: &[f32], tokens: usize, y: &mut [f32]) {
        debug_assert!(x.len() >= tokens * self.inputs && y.len() >= tokens * self.outputs);
        for row in y.chunks_exact_mut(self.outputs).take(tokens) {
            row.copy_from_slice(&self.bias);
        }
        // y[t × out] += x[t × in] · Wᵀ[in × out].
        // SAFETY: x holds tokens × inputs floats, weight_t inputs × outputs, y tokens × outputs.
        unsafe {
            matrixmultiply::sgemm(
                tokens,
                self.inputs,
                self.outputs,
                1.0,
                x.as_ptr(),
                self.inputs as isize,
                1,
                self.weight_t.as_ptr(),
                self.outputs as isize,
                1,
                1.0,
                y.as_mut_ptr(),
                self.outputs as isize,
                1,
            );
        }
    }
}

impl LayerNorm {
    fn apply(&self, row: &mut [f32]) {
        let n = row.len() as f32;
        let mean = row.iter().sum::<f32>() / n;
        let var = row.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>() / n;
        let inv = 1.0 / (var + LAYER_NORM_EPS).sqrt();
        for ((x, g), b) in row.iter_mut().zip(&self.gamma).zip(&self.beta) {
            *x = (*x - mean) * inv * g + b;
        }
    }
}

fn add_and_norm(hidden: &mut [f32], residual: &[f32], norm: &LayerNorm) {
    for (row, add) in hidden
        .chunks_exact_mut(HIDDEN)
        .zip(residual.chunks_exact(HIDDEN))
    {
        row.iter_mut().zip(add).for_each(|(h, a)| *h += a);
        norm.apply(row);
    }
}

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
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2))
}

pub fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}
