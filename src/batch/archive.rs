//! Archives read in place (.zip, .tar, .tar.gz, .tgz): each member a
//! document named `archive.zip!inner/path.txt`, within the archive's budget.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::input::{Content, Document, Filter, failed, read_file};
use super::limits::{ARCHIVE_FLOOR, Limits, ReadError, read_capped};

/// Whether a name is an archive's (`reports.zip`, `a.tar.gz`), whose
/// documents are named `name!inner/path`.
pub fn is_archive_name(name: &str) -> bool {
    archive_kind(Path::new(name)).is_some()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ArchiveKind {
    Zip,
    Tar,
    TarGz,
}

pub(super) fn archive_kind(path: &Path) -> Option<ArchiveKind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".zip") {
        Some(ArchiveKind::Zip)
    } else if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        Some(ArchiveKind::TarGz)
    } else if name.ends_with(".tar") {
        Some(ArchiveKind::Tar)
    } else {
        None
    }
}

/// How much an archive may still give: its whole budget (its size on disk
/// times the ratio, at least [`ARCHIVE_FLOOR`]) less what it gave so far.
struct Budget {
    left: u64,
    limits: Limits,
}

impl Budget {
    fn new(path: &Path, limits: &Limits) -> Budget {
        let size = path.metadata().map_or(0, |m| m.len());
        Budget {
            left: size
                .saturating_mul(limits.max_archive_ratio)
                .max(ARCHIVE_FLOOR),
            limits: *limits,
        }
    }

    /// One entry's bytes, within the file limit and what the archive has
    /// left.
    fn read(&mut self, entry: impl Read) -> Result<Vec<u8>, Taken> {
        let limit = self.limits.max_file_size.min(self.left);
        match read_capped(entry, limit, None) {
            Ok(bytes) => {
                self.left -= bytes.len() as u64;
                Ok(bytes)
            }
            Err(ReadError::OverLimit { .. }) if limit < self.limits.max_file_size => {
                Err(Taken::Spent(ReadError::ArchiveSpent {
                    ratio: self.limits.max_archive_ratio,
                }))
            }
            Err(ReadError::OverLimit { .. }) => Err(Taken::Entry(ReadError::OverLimit {
                limit: self.limits.max_file_size,
            })),
            Err(why) => Err(Taken::Entry(why)),
        }
    }
}

/// Why an entry gave no bytes: it failed (the archive goes on), or the
/// archive spent its budget (reading it stops).
enum Taken {
    Entry(ReadError),
    Spent(ReadError),
}

/// Every file of an archive, read in place. Returns false when the
/// consumer is gone.
pub(super) fn read_archive(
    path: &Path,
    filter: &Filter,
    limits: &Limits,
    emit: &mut impl FnMut(Document) -> bool,
) -> bool {
    let archive = path.display().to_string();
    let fail = |why: ReadError| failed(archive.clone(), why);
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return emit(fail(e.into())),
    };
    let mut budget = Budget::new(path, limits);
    let inner = |entry: &str| format!("{archive}!{entry}");
    match archive_kind(path) {
        Some(ArchiveKind::Zip) => {
            if let Err(why) = zip_ends_whole(&file) {
                return emit(fail(why));
            }
            let mut zip = match zip::ZipArchive::new(file) {
                Ok(z) => z,
                Err(e) => {
                    return emit(fail(ReadError::Format(format!(
                        "not a readable zip archive: {e}"
                    ))));
                }
            };
            for i in 0..zip.len() {
                let doc = match zip.by_index(i) {
                    Ok(entry) if entry.is_file() => {
                        let name = inner(
                            &entry
                                .name()
                                .map(|n| n.to_string())
                                .unwrap_or_else(|_| format!("#{i}")),
                        );
                        if !filter.keeps(&name) {
                            continue;
                        }
                        let disk_bytes = entry.compressed_size();
                        let content = match budget.read(entry) {
                            Ok(bytes) => Content::Read { bytes, disk_bytes },
                            Err(Taken::Entry(why)) => Content::Failed(why),
                            Err(Taken::Spent(why)) => return emit(failed(name, why)),
                        };
                        Document { name, content }
                    }
                    Ok(_) => continue,
                    Err(e) => failed(format!("{archive}!#{i}"), ReadError::Format(e.to_string())),
                };
                if !emit(doc) {
                    return false;
                }
            }
            true
        }
        Some(kind) => {
            let reader: Box<dyn Read> = if kind == ArchiveKind::TarGz {
                // Multi-member: concatenated gzip streams are one archive.
                Box::new(flate2::read::MultiGzDecoder::new(io::BufReader::new(file)))
            } else {
                Box::new(file)
            };
            read_tar(
                tar::Archive::new(reader),
                &archive,
                filter,
                &mut budget,
                emit,
            )
        }
        None => emit(read_file(path)),
    }
}

/// Whether a zip file ends with its end-of-central-directory record. A zip
/// cut short (a truncated download) has lost it, and a reader looking for
/// it backwards would find the one of a zip stored inside and read that
/// one's members instead.
fn zip_ends_whole(file: &File) -> Result<(), ReadError> {
    use std::io::{Seek, SeekFrom};
    const EOCD: &[u8] = b"PK\x05\x06";
    // The record is 22 bytes and a comment of at most 65,535.
    let len = file.metadata()?.len();
    let tail_len = len.min(22 + 65_535);
    let mut tail = Vec::with_capacity(tail_len as usize);
    let mut f = file;
    f.seek(SeekFrom::Start(len - tail_len))
        .and_then(|_| f.take(tail_len).read_to_end(&mut tail))
        .and_then(|_| f.seek(SeekFrom::Start(0)))?;
    let ends_here = memchr::memmem::rfind_iter(&tail, EOCD).any(|at| {
        tail.get(at + 20..at + 22)
            .is_some_and(|c| at + 22 + usize::from(u16::from_le_bytes([c[0], c[1]])) == tail.len())
    });
    if ends_here {
        Ok(())
    } else {
        Err(ReadError::Format(
            "not a whole zip archive: it does not end with its central directory (cut short? a truncated download)".into(),
        ))
    }
}

fn read_tar(
    mut tar: tar::Archive<Box<dyn Read>>,
    archive: &str,
    filter: &Filter,
    budget: &mut Budget,
    emit: &mut impl FnMut(Document) -> bool,
) -> bool {
    let entries = match tar.entries() {
        Ok(e) => e,
        Err(e) => {
            return emit(failed(
                archive.to_string(),
                ReadError::Format(format!("not a readable tar archive: {e}")),
            ));
        }
    };
    for entry in entries {
        let doc = match entry {
            Ok(mut e) if e.header().entry_type().is_file() => {
                let name = format!(
                    "{archive}!{}",
                    e.path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                );
                if !filter.keeps(&name) {
                    continue;
                }
                let declared = e.header().size().unwrap_or(0);
                let content = match budget.read(&mut e) {
                    // The archive ended inside this entry.
                    Ok(bytes) if (bytes.len() as u64) < declared => {
                        Content::Failed(ReadError::Format(format!(
                            "tar entry cut short: {} of {declared} bytes",
                            bytes.len()
                        )))
                    }
                    Ok(bytes) => Content::Read {
                        disk_bytes: bytes.len() as u64,
                        bytes,
                    },
                    Err(Taken::Entry(why)) => Content::Failed(why),
                    Err(Taken::Spent(why)) => return emit(failed(name, why)),
                };
                Document { name, content }
            }
            Ok(_) => continue,
            // A broken archive ends here; what was read stays read.
            Err(e) => {
                return emit(failed(
                    archive.to_string(),
                    ReadError::Format(format!("tar archive broken: {e}")),
                ));
            }
        };
        if !emit(doc) {
            return false;
        }
    }
    true
}
