//! Reading a file's bytes into text, refusing what is not a text file we can parse.

use crate::codes::Code;
use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Location};

/// Files larger than this are refused before they are read (a bank file is a few KB).
pub(crate) const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Reads `path` as UTF-8 text. A leading byte-order mark is dropped; non-UTF-8 bytes,
/// NUL bytes (binary files) and oversized files are errors pointing at the offending spot.
pub(crate) fn read_text(path: &Path) -> Result<Arc<str>, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if meta.is_dir() {
        return Err(
            Diagnostic::error(Code::Io, "expected a file, found a folder")
                .at(Location::file(path))
                .help("rename the folder so that its name does not end in .yaml"),
        );
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            Code::FileTooLarge,
            format!(
                "file is {:.1} MiB, more than the {} MiB a bank file may hold",
                meta.len() as f64 / 1_048_576.0,
                MAX_FILE_BYTES / 1_048_576
            ),
        )
        .at(Location::at(path, 1, 1))
        .help("split the content into one file per question, or remove generated data"));
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    decode(path, bytes)
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::Io, format!("could not read file: {e}"))
        .at(Location::file(path))
        .help("check that the file exists, is readable, and is not a broken symlink")
}

/// Turns bytes into text with precise errors.
pub(crate) fn decode(path: &Path, mut bytes: Vec<u8>) -> Result<Arc<str>, Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        let (line, col) = line_col(&bytes, at);
        return Err(
            Diagnostic::error(Code::BinaryFile, "file holds binary data (a NUL byte)")
                .at(Location::at(path, line, col))
                .help("bank files are UTF-8 text; remove the file or replace it with YAML"),
        );
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(Arc::from(s)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let (line, col) = line_col(&bytes, at);
            Err(Diagnostic::error(
                Code::Encoding,
                format!("file is not valid UTF-8 (byte 0x{:02X})", bytes[at]),
            )
            .at(Location::at(path, line, col))
            .help("save the file as UTF-8 (for example `iconv -f latin1 -t utf-8`)"))
        }
    }
}

/// 1-based line and column (in characters of the valid prefix) of byte `at`.
fn line_col(bytes: &[u8], at: usize) -> (u32, u32) {
    let before = &bytes[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_dropped() {
        let text = decode(Path::new("x.yaml"), b"\xEF\xBB\xBFid: a\n".to_vec()).unwrap();
        assert_eq!(&*text, "id: a\n");
    }

    #[test]
    fn bad_utf8_points_at_the_byte() {
        let d = decode(Path::new("x.yaml"), b"a: 1\nb: caf\xE9\n".to_vec()).unwrap_err();
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.col), (2, 7));
        assert!(d.message.contains("0xE9"));
    }

    #[test]
    fn nul_means_binary() {
        let d = decode(Path::new("x.yaml"), b"\x89PNG\r\n\x1a\n\0\0".to_vec()).unwrap_err();
        assert_eq!(d.code, "binary-file");
    }
}
