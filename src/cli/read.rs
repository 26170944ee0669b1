//! One file read whole for `text` and `explain`, within the limits a batch
//! keeps: a size cap, and a binary file refused from its first bytes.

use std::io::{self, Read};
use std::path::Path;

use anyhow::{Context, bail};
use zhibiao::{DecodeError, Decoded};

/// The first bytes, enough to tell a binary file.
const HEAD: u64 = 64 << 10;

/// Read `path` (`-`: stdin), at most `limit` bytes, and decode it as a
/// batch does.
pub fn document(path: &Path, encoding: Option<&str>, limit: u64) -> anyhow::Result<Decoded> {
    let name = path.display().to_string();
    let mut reader: Box<dyn Read> = if name == "-" {
        Box::new(io::stdin().lock())
    } else {
        let meta = std::fs::metadata(path).with_context(|| name.clone())?;
        if meta.is_dir() {
            bail!("{name}: a directory; expected a file");
        }
        if meta.is_file() && meta.len() > limit {
            bail!(
                "{name}: {} bytes: larger than --max-file-size ({limit} bytes)",
                meta.len()
            );
        }
        Box::new(std::fs::File::open(path).with_context(|| name.clone())?)
    };
    let mut bytes = Vec::new();
    reader
        .by_ref()
        .take(HEAD.min(limit.saturating_add(1)))
        .read_to_end(&mut bytes)
        .with_context(|| name.clone())?;
    // A binary file is refused before the rest of it is read.
    if (bytes.len() as u64) == HEAD
        && let Err(e @ (DecodeError::Binary(_) | DecodeError::Nul)) =
            zhibiao::reading_of(&bytes, false, encoding)
    {
        bail!("{name}: {e}");
    }
    reader
        .take(limit.saturating_add(1).saturating_sub(bytes.len() as u64))
        .read_to_end(&mut bytes)
        .with_context(|| name.clone())?;
    if bytes.len() as u64 > limit {
        bail!("{name}: larger than --max-file-size ({limit} bytes)");
    }
    zhibiao::decode(&bytes, &name, encoding).map_err(|e| anyhow::anyhow!("{name}: {e}"))
}
