//! The embedding model: candle's BERT over the dequantised E5S1 weights, the XLM-R tokenizer,
//! mean pooling and L2 normalisation.

pub use parallax_core::cosine;
use std::path::Path;

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{LayerNorm, VarBuilder};
use candle_transformers::models::bert::BertEncoder;
use tokenizers::{Tokenizer, TruncationParams};

use crate::install::{TOKENIZER_FILE, WEIGHTS_FILE};
use crate::{EmbedError, container};

/// Prefix e5 expects on documents.
pub const PASSAGE_PREFIX: &str = "passage: ";
/// Prefix e5 expects on search queries.
pub const QUERY_PREFIX: &str = "query: ";

/// Knobs for [`Embedder::load_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbedOptions {
    /// Inputs are truncated to this many tokens, `<s>`/`</s>` and prefix included (default 128;
    /// capped at the model's 512 positions).
    pub max_tokens: usize,
    /// Texts per forward pass (default 16). Texts are sorted by length before batching so that
    /// padding stays small; results come back in input order.
    pub batch_size: usize,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions {
            max_tokens: 128,
            batch_size: 16,
        }
    }
}

/// A loaded multilingual-e5-small model. `Send + Sync`: share one behind an `Arc`.
pub struct Embedder {
    encoder: Encoder,
    tokenizer: Tokenizer,
    dim: usize,
    pad_id: u32,
    options: EmbedOptions,
}

/// BERT with the word-embedding table kept in Q4_0: rows are dequantised per batch, which saves
/// ~330 MB over an f32 table; the rest is candle's `BertEncoder` in f32.
pub(crate) struct Encoder {
    word_q4: Vec<u8>,
    row_bytes: usize,
    vocab: usize,
    hidden: usize,
    /// Position embeddings, `(max_positions, hidden)`.
    pos: Tensor,
    /// Token-type 0 embedding, `(hidden,)`.
    type0: Tensor,
    ln: LayerNorm,
    encoder: BertEncoder,
    device: Device,
}

impl Encoder {
    pub(crate) fn new(weights: container::Weights, device: &Device) -> Result<Self, EmbedError> {
        let container::Weights {
            header,
            tensors,
            word_q4,
        } = weights;
        let word_q4 = word_q4.ok_or_else(|| EmbedError::Container {
            path: Default::default(),
            message: "word-embedding table was not kept quantised".into(),
        })?;
        let config = header.bert_config();
        let vb = VarBuilder::from_tensors(tensors, DType::F32, device);
        let emb = vb.pp("embeddings");
        let pos = emb.get(
            (header.max_positions, header.hidden),
            "position_embeddings.weight",
        )?;
        let type0 = emb
            .get(
                (header.type_vocab, header.hidden),
                "token_type_embeddings.weight",
            )?
            .get(0)?;
        let ln = candle_nn::layer_norm(header.hidden, config.layer_norm_eps, emb.pp("LayerNorm"))?;
        let encoder = BertEncoder::load(vb.pp("encoder"), &config)?;
        Ok(Encoder {
            word_q4,
            row_bytes: header.hidden / 32 * 18,
            vocab: header.vocab,
            hidden: header.hidden,
            pos,
            type0,
            ln,
            encoder,
            device: device.clone(),
        })
    }

    /// One padded forward pass; returns mean-pooled, L2-normalised vectors.
    pub(crate) fn forward(
        &self,
        batch: &[&[u32]],
        pad_id: u32,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let len = batch.iter().map(|b| b.len()).max().unwrap_or(0).max(1);
        let len = len.min(self.pos.dim(0)?);
        let n = batch.len();
        let h = self.hidden;
        let mut words = vec![0f32; n * len * h];
        let mut flat_mask = Vec::with_capacity(n * len);
        for (b, ids) in batch.iter().enumerate() {
            for t in 0..len {
                let id = ids.get(t).copied().unwrap_or(pad_id) as usize;
                let id = if id < self.vocab { id } else { pad_id as usize };
                let row = &self.word_q4[id * self.row_bytes..(id + 1) * self.row_bytes];
                let at = (b * len + t) * h;
                container::dequantize_q4_0(row, &mut words[at..at + h]);
                flat_mask.push(u32::from(t < ids.len()));
            }
        }
        let words = Tensor::from_vec(words, (n, len, h), &self.device)?;
        let x = words
            .broadcast_add(&self.pos.narrow(0, 0, len)?)?
            .broadcast_add(&self.type0)?;
        let x = self.ln.forward(&x)?;
        let mask = Tensor::from_vec(flat_mask, (n, len), &self.device)?.to_dtype(DType::F32)?;
        // HF "extended attention mask": 0 where attended, f32::MIN where padded.
        let ext = ((1.0 - mask.reshape((n, 1, 1, len))?)? * f64::from(f32::MIN))?;
        let hidden = self.encoder.forward(&x, &ext)?;
        pool(&hidden, &mask)
    }
}

/// Mean pooling over the attention mask, then L2 normalisation.
pub(crate) fn pool(hidden: &Tensor, mask: &Tensor) -> Result<Vec<Vec<f32>>, EmbedError> {
    let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
    let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
    let counts = mask.sum(1)?.clamp(1e-9f32, f32::MAX)?;
    let mean = summed.broadcast_div(&counts)?;
    let norm = mean
        .sqr()?
        .sum_keepdim(1)?
        .sqrt()?
        .clamp(1e-12f32, f32::MAX)?;
    Ok(mean.broadcast_div(&norm)?.to_vec2::<f32>()?)
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("dim", &self.dim)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads the model installed in `model_dir` (see [`crate::install`]) with default options.
    pub fn load(model_dir: &Path) -> Result<Self, EmbedError> {
        Self::load_with(model_dir, EmbedOptions::default())
    }

    /// Loads the model installed in `model_dir` with the given options.
    pub fn load_with(model_dir: &Path, options: EmbedOptions) -> Result<Self, EmbedError> {
        let weights_path = model_dir.join(WEIGHTS_FILE);
        let tokenizer_path = model_dir.join(TOKENIZER_FILE);
        let missing: Vec<&str> = [WEIGHTS_FILE, TOKENIZER_FILE]
            .into_iter()
            .filter(|f| !model_dir.join(f).is_file())
            .collect();
        if !missing.is_empty() {
            return Err(EmbedError::NotInstalled {
                dir: model_dir.to_path_buf(),
                missing: missing.join(", "),
            });
        }
        let device = Device::Cpu;
        let weights = container::load(&weights_path, &device, true)?;
        let header = weights.header;
        let encoder = Encoder::new(weights, &device)?;

        let mut tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| EmbedError::Tokenizer(format!("{}: {e}", tokenizer_path.display())))?;
        let max_tokens = options.max_tokens.clamp(2, header.max_positions);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                ..Default::default()
            }))
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        tokenizer.with_padding(None);
        let pad_id = tokenizer
            .token_to_id("<pad>")
            .unwrap_or(header.pad_id as u32);
        Ok(Embedder {
            encoder,
            tokenizer,
            dim: header.hidden,
            pad_id,
            options: EmbedOptions {
                max_tokens,
                batch_size: options.batch_size.max(1),
            },
        })
    }

    /// Embedding dimension (384).
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The options in effect.
    pub fn options(&self) -> EmbedOptions {
        self.options
    }

    /// Embeds documents (each gets the `"passage: "` prefix). Unit-length vectors, input order.
    pub fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embed_prefixed(PASSAGE_PREFIX, texts)
    }

    /// Embeds search queries (each gets the `"query: "` prefix). Unit-length vectors, input order.
    pub fn embed_queries(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embed_prefixed(QUERY_PREFIX, texts)
    }

    /// Embeds texts as given (the caller supplies any prefix).
    pub fn embed_raw(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embed_prefixed("", texts)
    }

    /// Number of tokens (special tokens included, after truncation) the model sees for `text`.
    pub fn token_count(&self, text: &str) -> Result<usize, EmbedError> {
        let enc = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        Ok(enc.get_ids().len())
    }

    fn embed_prefixed(&self, prefix: &str, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let inputs: Vec<String> = texts.iter().map(|t| format!("{prefix}{t}")).collect();
        let encodings = self
            .tokenizer
            .encode_batch(inputs, true)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        let ids: Vec<&[u32]> = encodings.iter().map(|e| e.get_ids()).collect();
        // Longest first, so each batch pads to a similar length.
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(ids[i].len()));
        let mut out = vec![Vec::new(); ids.len()];
        for chunk in order.chunks(self.options.batch_size) {
            let batch: Vec<&[u32]> = chunk.iter().map(|&i| ids[i]).collect();
            let vectors = self.encoder.forward(&batch, self.pad_id)?;
            for (&i, v) in chunk.iter().zip(vectors) {
                out[i] = v;
            }
        }
        Ok(out)
    }
}
