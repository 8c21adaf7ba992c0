//! A reader for NumPy's `.npy` arrays and `.npz` archives (a zip of `.npy` files), enough for
//! the USE weights: little-endian `f4`, `f8`, `u1` and `i1` arrays in C order.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::EmbedError;

/// Element type of an array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DType {
    /// `<f4`
    F32,
    /// `<f8`
    F64,
    /// `|u1`
    U8,
    /// `|i1`
    I8,
}

impl DType {
    fn size(self) -> usize {
        match self {
            DType::F32 => 4,
            DType::F64 => 8,
            DType::U8 | DType::I8 => 1,
        }
    }
}

/// One array: its element type, shape and raw little-endian bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Array {
    /// Element type.
    pub dtype: DType,
    /// Shape (empty for a scalar).
    pub shape: Vec<usize>,
    /// `product(shape) · size` bytes, C order.
    pub data: Vec<u8>,
}

impl Array {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements as `f32` (`f8` is narrowed, `u1`/`i1` converted).
    pub fn to_f32(&self) -> Vec<f32> {
        match self.dtype {
            DType::F32 => self
                .data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            DType::F64 => self
                .data
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])) as f32)
                .collect(),
            DType::U8 => self.data.iter().map(|&b| f32::from(b)).collect(),
            DType::I8 => self.data.iter().map(|&b| f32::from(b as i8)).collect(),
        }
    }
}

/// Parses one `.npy` file (format versions 1–3).
pub fn parse(bytes: &[u8]) -> Result<Array, String> {
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err("not an .npy array (bad magic)".into());
    }
    let (header_len, start) = match bytes[6] {
        1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        v => return Err(format!("unsupported .npy version {v}")),
    };
    let header = bytes
        .get(start..start + header_len)
        .ok_or("truncated .npy header")?;
    let header = std::str::from_utf8(header).map_err(|e| e.to_string())?;
    let descr = dict_value(header, "descr").ok_or("no descr in .npy header")?;
    let descr = descr
        .strip_prefix(['\'', '"'])
        .and_then(|d| d.split(['\'', '"']).next())
        .ok_or("bad descr in .npy header")?;
    let dtype = match descr {
        "<f4" => DType::F32,
        "<f8" => DType::F64,
        "|u1" | "<u1" => DType::U8,
        "|i1" | "<i1" => DType::I8,
        other => return Err(format!("unsupported dtype {other}")),
    };
    if dict_value(header, "fortran_order").is_some_and(|v| v.starts_with("True")) {
        return Err("Fortran-order arrays are not supported".into());
    }
    let shape_text = dict_value(header, "shape").ok_or("no shape in .npy header")?;
    let inner = shape_text
        .strip_prefix('(')
        .and_then(|s| s.split(')').next())
        .ok_or("bad shape in .npy header")?;
    let shape = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|e| format!("shape {s:?}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let n = shape
        .iter()
        .try_fold(dtype.size(), |a, &d| a.checked_mul(d))
        .ok_or("shape overflows")?;
    let data = bytes
        .get(start + header_len..start + header_len + n)
        .ok_or_else(|| format!("truncated .npy data: want {n} bytes"))?;
    Ok(Array {
        dtype,
        shape,
        data: data.to_vec(),
    })
}

/// The text after `'key':` in a Python dict literal, up to the end of the header.
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let at = header
        .find(&format!("'{key}'"))
        .or_else(|| header.find(&format!("\"{key}\"")))?;
    let rest = &header[at + key.len() + 2..];
    Some(rest.trim_start().strip_prefix(':')?.trim_start())
}

/// Reads every array of an `.npz` archive, keyed by member name without `.npy`.
pub fn read_npz(path: &Path) -> Result<HashMap<String, Array>, EmbedError> {
    let bad = |message: String| EmbedError::Container {
        path: path.to_path_buf(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| EmbedError::io("opening", path, e))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| bad(format!("not a zip: {e}")))?;
    let mut out = HashMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| bad(e.to_string()))?;
        let name = entry.name().map_err(|e| bad(e.to_string()))?.into_owned();
        let Some(key) = name.strip_suffix(".npy") else {
            continue;
        };
        let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| bad(format!("{name}: {e}")))?;
        out.insert(
            key.to_string(),
            parse(&bytes).map_err(|m| bad(format!("{name}: {m}")))?,
        );
    }
    Ok(out)
}

/// Serialises an array as a version-1 `.npy` file (for tests and tools).
pub fn to_npy(array: &Array) -> Vec<u8> {
    let descr = match array.dtype {
        DType::F32 => "<f4",
        DType::F64 => "<f8",
        DType::U8 => "|u1",
        DType::I8 => "|i1",
    };
    let shape = match array.shape.as_slice() {
        [] => "()".to_string(),
        [d] => format!("({d},)"),
        dims => format!(
            "({})",
            dims.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&array.data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_arrays() {
        let a = Array {
            dtype: DType::F32,
            shape: vec![2, 3],
            data: [1.0f32, -2.0, 0.5, 4.0, 5.0, 6.0]
                .iter()
                .flat_map(|x| x.to_le_bytes())
                .collect(),
        };
        let b = parse(&to_npy(&a)).unwrap();
        assert_eq!(b, a);
        assert_eq!(b.to_f32(), vec![1.0, -2.0, 0.5, 4.0, 5.0, 6.0]);
        let s = Array {
            dtype: DType::F64,
            shape: vec![],
            data: 1e-12f64.to_le_bytes().to_vec(),
        };
        assert_eq!(parse(&to_npy(&s)).unwrap().to_f32(), vec![1e-12f32]);
        let u = Array {
            dtype: DType::U8,
            shape: vec![3],
            data: vec![0, 7, 255],
        };
        assert_eq!(parse(&to_npy(&u)).unwrap().to_f32(), vec![0.0, 7.0, 255.0]);
    }

    #[test]
    fn parses_numpy_written_headers() {
        // What numpy 2 writes for np.save(f, np.zeros((1, 2), np.float32)).
        let mut b =
            b"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }"
                .to_vec();
        b.resize(10 + 0x76 - 1, b' ');
        b.push(b'\n');
        b.extend_from_slice(&[0; 8]);
        let a = parse(&b).unwrap();
        assert_eq!((a.dtype, a.shape.clone()), (DType::F32, vec![1, 2]));
        assert!(parse(&b[..b.len() - 1]).is_err(), "truncated data");
        assert!(parse(b"\x93NUMPX\x01\x00\x00\x00").is_err());
        let fortran = String::from_utf8_lossy(&b).replace("False", "True ");
        assert!(parse(fortran.as_bytes()).is_err());
    }
}
