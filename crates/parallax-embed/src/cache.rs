//! A small file format for precomputed embeddings, so evaluation and clustering can reuse vectors
//! without running the model.
//!
//! Layout, all little-endian:
//!
//! | field | type |
//! |---|---|
//! | magic | 8 bytes `b"PXEMB1\0\0"` |
//! | dim | u32 |
//! | count | u32 |
//! | description length `m` | u32 |
//! | description | `m` bytes UTF-8 (model, prefix, input recipe) |
//! | ids | `count` × (u32 length, UTF-8 bytes) |
//! | vectors | `count · dim` × f32, row-major, in id order |

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::EmbedError;

/// The 8-byte magic at the start of a cache file.
pub const MAGIC: &[u8; 8] = b"PXEMB1\0\0";

/// The contents of an embedding cache file.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbeddingCache {
    /// Free text: which model and input recipe produced the vectors.
    pub description: String,
    /// Vector dimension.
    pub dim: usize,
    /// Document ids, one per vector.
    pub ids: Vec<String>,
    /// `ids.len() · dim` values, row-major.
    pub data: Vec<f32>,
}

impl EmbeddingCache {
    /// The vector of row `i`.
    pub fn vector(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }
}

/// Writes a cache file (through a temporary file and a rename).
pub fn write(
    path: &Path,
    description: &str,
    ids: &[String],
    vectors: &[Vec<f32>],
) -> Result<(), EmbedError> {
    let bad = |message: String| EmbedError::Cache {
        path: path.to_path_buf(),
        message,
    };
    if ids.len() != vectors.len() {
        return Err(bad(format!(
            "{} ids for {} vectors",
            ids.len(),
            vectors.len()
        )));
    }
    let dim = vectors.first().map_or(0, Vec::len);
    if vectors.iter().any(|v| v.len() != dim) {
        return Err(bad("vectors of different lengths".into()));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| EmbedError::io("creating", dir, e))?;
    }
    let tmp = path.with_extension("tmp");
    let result = (|| -> std::io::Result<()> {
        let mut w = BufWriter::new(std::fs::File::create(&tmp)?);
        w.write_all(MAGIC)?;
        w.write_all(&(dim as u32).to_le_bytes())?;
        w.write_all(&(ids.len() as u32).to_le_bytes())?;
        w.write_all(&(description.len() as u32).to_le_bytes())?;
        w.write_all(description.as_bytes())?;
        for id in ids {
            w.write_all(&(id.len() as u32).to_le_bytes())?;
            w.write_all(id.as_bytes())?;
        }
        for v in vectors {
            for x in v {
                w.write_all(&x.to_le_bytes())?;
            }
        }
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        EmbedError::io("writing", path, e)
    })
}

/// Reads a cache file written by [`write()`].
pub fn read(path: &Path) -> Result<EmbeddingCache, EmbedError> {
    let bytes = std::fs::read(path).map_err(|e| EmbedError::io("reading", path, e))?;
    parse(&bytes).map_err(|message| EmbedError::Cache {
        path: path.to_path_buf(),
        message,
    })
}

struct Reader<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.p.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or_else(|| format!("truncated at byte {}", self.p))?;
        let s = &self.b[self.p..end];
        self.p = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<usize, String> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
    }
    fn string(&mut self, n: usize) -> Result<String, String> {
        String::from_utf8(self.take(n)?.to_vec()).map_err(|e| e.to_string())
    }
}

fn parse(b: &[u8]) -> Result<EmbeddingCache, String> {
    let mut r = Reader { b, p: 0 };
    if r.take(8)? != MAGIC {
        return Err("bad magic".into());
    }
    let dim = r.u32()?;
    let count = r.u32()?;
    let m = r.u32()?;
    let description = r.string(m)?;
    let mut ids = Vec::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let n = r.u32()?;
        ids.push(r.string(n)?);
    }
    let n = count
        .checked_mul(dim)
        .and_then(|x| x.checked_mul(4))
        .ok_or("size overflow")?;
    let data = r
        .take(n)?
        .chunks_exact(4)
        .map(|s| f32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .collect();
    Ok(EmbeddingCache {
        description,
        dim,
        ids,
        data,
    })
}
