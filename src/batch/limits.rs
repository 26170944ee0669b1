//! Bounds on what one input may cost, and opening a file within them.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Bounds on what one input may cost, each hit an error for that input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest document, in bytes: a file, an archive entry, stdin.
    pub max_file_size: u64,
    /// An archive may give at most this many times its size on disk
    /// (and at least [`ARCHIVE_FLOOR`] bytes) in all: a zip bomb stops here.
    pub max_archive_ratio: u64,
}

/// What any archive may expand to, whatever its ratio.
pub const ARCHIVE_FLOOR: u64 = 64 << 20;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_size: 2 << 30,
            max_archive_ratio: 100,
        }
    }
}

/// Why an input could not be read. Each says what was found and the
/// limit or the reason, for the user, through `Display`.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A file whose size is known before it is read.
    #[error("{size} bytes: larger than --max-file-size ({limit} bytes)")]
    TooLarge { size: u64, limit: u64 },
    /// More than the limit came while reading (stdin, a FIFO, an archive
    /// member, a JSON line).
    #[error("larger than --max-file-size ({limit} bytes)")]
    OverLimit { limit: u64 },
    /// A JSON line longer than the limit, passed over unread.
    #[error(
        "a line of {seen} bytes or more: larger than --max-file-size ({limit} bytes); passed over"
    )]
    LongLine { seen: u64, limit: u64 },
    /// An archive that gave all its budget (a zip bomb?).
    #[error("expands past {ratio}x its size (--max-archive-ratio): a zip bomb? reading stopped")]
    ArchiveSpent { ratio: u64 },
    /// A device, a socket … named as input.
    #[error("not a regular file ({0})")]
    NotAFile(&'static str),
    /// What the system said.
    #[error("{0}")]
    Io(String),
    /// What a reader of a format said (a broken archive, a cut entry, a
    /// line that is no document).
    #[error("{0}")]
    Format(String),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> ReadError {
        ReadError::Io(e.to_string())
    }
}

/// Read at most `limit` bytes; more is an error that says so. `expected`:
/// the length the file says it has, read into one buffer of that size
/// (not grown and copied as it fills); the limit still holds if it grew.
pub(super) fn read_capped(
    reader: impl Read,
    limit: u64,
    expected: Option<u64>,
) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::new();
    read_capped_into(reader, limit, expected, &mut buf)?;
    Ok(buf)
}

/// [`read_capped`] into `buf` (emptied first), so that a worker can read
/// every file into the one buffer.
pub(super) fn read_capped_into(
    mut reader: impl Read,
    limit: u64,
    expected: Option<u64>,
    buf: &mut Vec<u8>,
) -> Result<(), ReadError> {
    buf.clear();
    let reserve = expected.map_or(0, |n| n.min(limit).saturating_add(1));
    buf.reserve_exact(usize::try_from(reserve).unwrap_or(0));
    reader
        .by_ref()
        .take(limit.saturating_add(1))
        .read_to_end(buf)?;
    if buf.len() as u64 > limit {
        return Err(ReadError::OverLimit { limit });
    }
    Ok(())
}

/// A file named as input, open, and its length if it is a regular file. A
/// FIFO is read as it comes (`<(command)`), but one with no writer is
/// empty, not a hang.
pub(super) fn open_path(path: &Path, limits: &Limits) -> Result<(File, Option<u64>), ReadError> {
    let meta = std::fs::metadata(path)?;
    let kind = special_kind(&meta.file_type());
    if let Some(kind) = kind.filter(|&k| k != "FIFO") {
        return Err(ReadError::NotAFile(kind));
    }
    if meta.len() > limits.max_file_size {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: limits.max_file_size,
        });
    }
    Ok(match kind {
        Some(_) => open_fifo(path).map(|f| (f, None))?,
        None => File::open(path).map(|f| (f, Some(meta.len())))?,
    })
}

/// What kind of special file this is, or `None` for a regular file or a
/// directory.
pub(super) fn special_kind(t: &std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("FIFO");
        }
        if t.is_char_device() {
            return Some("character device");
        }
        if t.is_block_device() {
            return Some("block device");
        }
        if t.is_socket() {
            return Some("socket");
        }
    }
    (!t.is_file() && !t.is_dir()).then_some("not a file")
}

/// Open a FIFO without waiting for a writer (a plain open blocks until one
/// comes, maybe never), then read it blocking: with no writer a read is at
/// its end at once.
#[cfg(unix)]
pub(super) fn open_fifo(path: &Path) -> io::Result<File> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor this function owns, flags read then set.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(file)
}

#[cfg(not(unix))]
pub(super) fn open_fifo(path: &Path) -> io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_keeps_its_limit_whatever_length_the_file_claimed() {
        let data = &b"abcdef"[..];
        assert_eq!(read_capped(data, 10, Some(6)).unwrap(), data);
        // The file grew after its length was read: still all of it.
        assert_eq!(read_capped(data, 10, Some(2)).unwrap(), data);
        // Over the limit, whatever was claimed; a huge claim reserves no
        // more than the limit.
        for claimed in [Some(2), Some(6), Some(u64::MAX), None] {
            assert!(matches!(
                read_capped(data, 4, claimed),
                Err(ReadError::OverLimit { limit: 4 })
            ));
        }
        assert_eq!(read_capped(data, 6, Some(u64::MAX)).unwrap().capacity(), 7);
    }

    #[test]
    fn a_reused_buffer_holds_only_the_last_read() {
        let mut buf = b"a longer earlier file".to_vec();
        read_capped_into(&b"abc"[..], 10, Some(3), &mut buf).unwrap();
        assert_eq!(buf, b"abc");
        assert!(read_capped_into(&b"abcdef"[..], 4, None, &mut buf).is_err());
    }
}
