//! Streaming decompression into a capped buffer: the cap applies to the decompressed bytes, and
//! reading stops as soon as it is passed, so a decompression bomb costs at most the cap in memory.

use std::io::{self, Write};

/// A `Vec` that refuses to grow past `cap` bytes.
pub(crate) struct CappedBuf {
    pub(crate) buf: Vec<u8>,
    cap: usize,
    /// Set once more than `cap` bytes were offered.
    pub(crate) over: bool,
    /// Keep the first `cap` bytes and swallow the rest instead of failing.
    truncate: bool,
}

impl CappedBuf {
    fn new(cap: usize, truncate: bool) -> Self {
        CappedBuf {
            buf: Vec::new(),
            cap,
            over: false,
            truncate,
        }
    }
}

impl Write for CappedBuf {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = self.cap.saturating_sub(self.buf.len());
        if data.len() > room {
            self.over = true;
            self.buf.extend_from_slice(&data[..room]);
            if self.truncate {
                return Ok(data.len());
            }
            return Err(io::Error::other("body over the size limit"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// How the body is encoded (`Content-Encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Identity,
    Gzip,
    Deflate,
    Brotli,
}

impl Encoding {
    /// Parses a `Content-Encoding` header; `Err` names an encoding that is not supported.
    pub(crate) fn from_header(value: Option<&str>) -> Result<Self, String> {
        let Some(value) = value else {
            return Ok(Encoding::Identity);
        };
        let codings: Vec<String> = value
            .split(',')
            .map(|c| c.trim().to_ascii_lowercase())
            .filter(|c| !c.is_empty() && c != "identity")
            .collect();
        match codings.as_slice() {
            [] => Ok(Encoding::Identity),
            [one] => match one.as_str() {
                "gzip" | "x-gzip" => Ok(Encoding::Gzip),
                "deflate" => Ok(Encoding::Deflate),
                "br" => Ok(Encoding::Brotli),
                other => Err(format!(
                    "the server used the unsupported content encoding \"{other}\""
                )),
            },
            _ => Err(format!(
                "the server used several content encodings at once (\"{value}\")"
            )),
        }
    }
}

enum Inner {
    Identity(CappedBuf),
    Gzip(Box<flate2::write::MultiGzDecoder<CappedBuf>>),
    Zlib(Box<flate2::write::ZlibDecoder<CappedBuf>>),
    RawDeflate(Box<flate2::write::DeflateDecoder<CappedBuf>>),
    Brotli(Box<brotli_decompressor::DecompressorWriter<CappedBuf>>),
    /// `deflate` before the first bytes tell zlib from raw deflate.
    PendingDeflate(CappedBuf),
    /// Transient state while switching variants.
    Empty,
}

/// Why feeding or finishing failed.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// More than the cap.
    TooLarge,
    /// The compressed data is broken.
    Corrupt(String),
}

/// Receives body chunks as they arrive and keeps the decoded bytes, up to the cap.
pub(crate) struct BodySink {
    inner: Inner,
}

impl BodySink {
    pub(crate) fn new(encoding: Encoding, cap: usize, truncate: bool) -> Self {
        let buf = CappedBuf::new(cap, truncate);
        let inner = match encoding {
            Encoding::Identity => Inner::Identity(buf),
            Encoding::Gzip => Inner::Gzip(Box::new(flate2::write::MultiGzDecoder::new(buf))),
            Encoding::Deflate => Inner::PendingDeflate(buf),
            Encoding::Brotli => Inner::Brotli(Box::new(
                brotli_decompressor::DecompressorWriter::new(buf, 32 * 1024),
            )),
        };
        BodySink { inner }
    }

    fn capped(&self) -> Option<&CappedBuf> {
        match &self.inner {
            Inner::Identity(b) | Inner::PendingDeflate(b) => Some(b),
            Inner::Gzip(d) => Some(d.get_ref()),
            Inner::Zlib(d) => Some(d.get_ref()),
            Inner::RawDeflate(d) => Some(d.get_ref()),
            Inner::Brotli(d) => Some(d.get_ref()),
            Inner::Empty => None,
        }
    }

    /// Whether more than the cap has been offered (in truncating mode: stop reading).
    pub(crate) fn is_over(&self) -> bool {
        self.capped().is_some_and(|b| b.over)
    }

    fn classify(&self, e: io::Error) -> BodyError {
        if self.is_over() {
            BodyError::TooLarge
        } else {
            BodyError::Corrupt(e.to_string())
        }
    }

    /// Feeds one chunk of the body as received.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Result<(), BodyError> {
        if chunk.is_empty() {
            return Ok(());
        }
        if let Inner::PendingDeflate(_) = self.inner {
            let Inner::PendingDeflate(buf) = std::mem::replace(&mut self.inner, Inner::Empty)
            else {
                return Ok(());
            };
            // zlib: CMF with method 8 and a header checksum divisible by 31.
            let zlib = chunk.len() < 2
                || (chunk[0] & 0x0f == 8
                    && (u16::from(chunk[0]) << 8 | u16::from(chunk[1])) % 31 == 0);
            self.inner = if zlib {
                Inner::Zlib(Box::new(flate2::write::ZlibDecoder::new(buf)))
            } else {
                Inner::RawDeflate(Box::new(flate2::write::DeflateDecoder::new(buf)))
            };
        }
        let res = match &mut self.inner {
            Inner::Identity(b) => b.write_all(chunk),
            Inner::Gzip(d) => d.write_all(chunk),
            Inner::Zlib(d) => d.write_all(chunk),
            Inner::RawDeflate(d) => d.write_all(chunk),
            Inner::Brotli(d) => d.write_all(chunk),
            Inner::PendingDeflate(_) | Inner::Empty => Ok(()),
        };
        res.map_err(|e| self.classify(e))
    }

    /// Ends the body. Returns the decoded bytes, whether they were cut at the cap, and a warning
    /// when the compressed stream ended early (the bytes decoded so far are kept).
    pub(crate) fn finish(self) -> Result<(Vec<u8>, bool, Option<String>), BodyError> {
        let result = match self.inner {
            Inner::Identity(b) | Inner::PendingDeflate(b) => Ok(b),
            Inner::Gzip(d) => finish_flate(*d, |d| d.try_finish(), |d| d.get_ref(), |d| d.finish()),
            Inner::Zlib(d) => finish_flate(*d, |d| d.try_finish(), |d| d.get_ref(), |d| d.finish()),
            Inner::RawDeflate(d) => {
                finish_flate(*d, |d| d.try_finish(), |d| d.get_ref(), |d| d.finish())
            }
            Inner::Brotli(mut d) => match d.close() {
                Ok(()) => d
                    .into_inner()
                    .map_err(|b| (b, "the compressed body ended early".to_string())),
                Err(e) => match d.into_inner() {
                    Ok(b) | Err(b) => Err((b, format!("the compressed body ended early ({e})"))),
                },
            },
            Inner::Empty => Ok(CappedBuf::new(0, true)),
        };
        match result {
            Ok(b) => {
                let over = b.over;
                Ok((b.buf, over, None))
            }
            Err((b, _)) if b.over && !b.truncate => Err(BodyError::TooLarge),
            Err((b, warning)) if !b.buf.is_empty() || b.over => {
                let over = b.over;
                Ok((b.buf, over, Some(warning)))
            }
            Err((_, warning)) => Err(BodyError::Corrupt(warning)),
        }
    }
}

/// Finishes a flate2 writer; on failure keeps what was decoded so far.
fn finish_flate<D>(
    mut d: D,
    try_finish: impl FnOnce(&mut D) -> io::Result<()>,
    get_ref: impl FnOnce(&D) -> &CappedBuf,
    finish: impl FnOnce(D) -> io::Result<CappedBuf>,
) -> Result<CappedBuf, (CappedBuf, String)> {
    match try_finish(&mut d) {
        Ok(()) => finish(d).map_err(|e| (CappedBuf::new(0, true), e.to_string())),
        Err(e) => {
            let partial = get_ref(&d);
            let copy = CappedBuf {
                buf: partial.buf.clone(),
                cap: partial.cap,
                over: partial.over,
                truncate: partial.truncate,
            };
            Err((copy, format!("the compressed body ended early ({e})")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::{GzEncoder, ZlibEncoder};

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn identity_is_capped() {
        let mut s = BodySink::new(Encoding::Identity, 10, false);
        s.feed(b"12345").unwrap();
        assert!(matches!(s.feed(b"678901"), Err(BodyError::TooLarge)));
        let mut s = BodySink::new(Encoding::Identity, 10, true);
        s.feed(b"12345678901234").unwrap();
        assert!(s.is_over());
        let (b, over, _) = s.finish().unwrap();
        assert_eq!(b, b"1234567890");
        assert!(over);
    }

    #[test]
    fn gzip_and_zlib_and_raw_deflate_decode_in_small_chunks() {
        let text = b"hello hello hello world ".repeat(100);
        let gz = gzip(&text);
        let mut s = BodySink::new(Encoding::Gzip, 1 << 20, false);
        for c in gz.chunks(7) {
            s.feed(c).unwrap();
        }
        assert_eq!(s.finish().unwrap().0, text);

        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(&text).unwrap();
        let z = z.finish().unwrap();
        let mut s = BodySink::new(Encoding::Deflate, 1 << 20, false);
        for c in z.chunks(3) {
            s.feed(c).unwrap();
        }
        assert_eq!(s.finish().unwrap().0, text);

        let mut d = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
        d.write_all(&text).unwrap();
        let d = d.finish().unwrap();
        let mut s = BodySink::new(Encoding::Deflate, 1 << 20, false);
        s.feed(&d).unwrap();
        assert_eq!(s.finish().unwrap().0, text);
    }

    #[test]
    fn every_gzip_member_is_decoded() {
        let mut two = gzip(b"first ");
        two.extend(gzip(b"second"));
        let mut s = BodySink::new(Encoding::Gzip, 1 << 20, false);
        s.feed(&two).unwrap();
        assert_eq!(s.finish().unwrap().0, b"first second");
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_cap() {
        let zeros = vec![0u8; 50 << 20];
        let gz = gzip(&zeros);
        assert!(gz.len() < 200_000);
        let mut s = BodySink::new(Encoding::Gzip, 1 << 20, false);
        let mut failed = false;
        for c in gz.chunks(16 * 1024) {
            if let Err(e) = s.feed(c) {
                assert!(matches!(e, BodyError::TooLarge));
                failed = true;
                break;
            }
        }
        assert!(failed);
    }

    #[test]
    fn broken_and_truncated_streams() {
        let mut s = BodySink::new(Encoding::Gzip, 1 << 20, false);
        assert!(s.feed(b"this is not gzip at all, not even close").is_err());

        let text = b"some text that is long enough to compress a bit ".repeat(50);
        let gz = gzip(&text);
        let mut s = BodySink::new(Encoding::Gzip, 1 << 20, false);
        s.feed(&gz[..gz.len() - 12]).unwrap();
        let (body, _, warning) = s.finish().unwrap();
        assert!(warning.is_some());
        assert!(!body.is_empty());

        let mut s = BodySink::new(Encoding::Brotli, 1 << 20, false);
        let _ = s.feed(b"\xff\xff\xff garbage");
        let _ = s.finish();
    }

    #[test]
    fn content_encoding_header() {
        assert_eq!(Encoding::from_header(None), Ok(Encoding::Identity));
        assert_eq!(Encoding::from_header(Some("GZIP")), Ok(Encoding::Gzip));
        assert_eq!(
            Encoding::from_header(Some("identity")),
            Ok(Encoding::Identity)
        );
        assert_eq!(Encoding::from_header(Some("br")), Ok(Encoding::Brotli));
        assert!(Encoding::from_header(Some("zstd")).is_err());
        assert!(Encoding::from_header(Some("gzip, br")).is_err());
    }
}
