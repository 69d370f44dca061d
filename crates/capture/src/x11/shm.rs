//! An MIT-SHM segment backed by a memfd, read with `pread` instead of being mapped.
//!
//! The X server maps the memfd and writes the image into it; this side reads it back with
//! positioned reads. That costs one extra copy of the changed pixels per frame compared with
//! mapping the segment, and keeps the crate free of `unsafe` (a mapping shared with another process
//! cannot be exposed as a `&[u8]` soundly anyway). Measured on the development machine, see the
//! crate's `capture_fps` example.

use std::fs::File;
use std::os::fd::OwnedFd;
use std::os::unix::fs::FileExt;

use rustix::fs::{MemfdFlags, memfd_create};
use x11rb::connection::Connection;
use x11rb::errors::ReplyError;
use x11rb::protocol::shm::{self, ConnectionExt as _};

use crate::CaptureError;

/// A shared-memory segment known to the X server.
pub(super) struct SharedSegment {
    /// The server's id for the segment.
    pub(super) seg: shm::Seg,
    file: File,
    size: u64,
}

impl SharedSegment {
    /// Creates a `size`-byte segment and attaches it to the server. `Ok(None)` when the server
    /// lacks MIT-SHM 1.2 (file-descriptor passing) or refuses the segment.
    pub(super) fn attach(
        conn: &impl Connection,
        size: u64,
    ) -> Result<Option<SharedSegment>, CaptureError> {
        if conn
            .extension_information(shm::X11_EXTENSION_NAME)?
            .is_none()
        {
            return Ok(None);
        }
        let version = conn.shm_query_version()?.reply()?;
        if (version.major_version, version.minor_version) < (1, 2) {
            return Ok(None);
        }
        let fd = memfd_create("assist-capture", MemfdFlags::CLOEXEC)
            .map_err(|e| CaptureError::SharedMemory(e.into()))?;
        let file = File::from(fd);
        file.set_len(size).map_err(CaptureError::SharedMemory)?;
        let for_server = OwnedFd::from(file.try_clone().map_err(CaptureError::SharedMemory)?);
        let seg = conn.generate_id()?;
        match conn.shm_attach_fd(seg, for_server, false)?.check() {
            Ok(()) => Ok(Some(SharedSegment { seg, file, size })),
            Err(ReplyError::X11Error(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Fills `dst` with the segment's bytes from `offset` on.
    pub(super) fn read(&self, offset: u64, dst: &mut [u8]) -> Result<(), CaptureError> {
        if offset + dst.len() as u64 > self.size {
            return Err(CaptureError::SharedMemory(std::io::Error::other(
                "read past the end of the segment",
            )));
        }
        self.file
            .read_exact_at(dst, offset)
            .map_err(CaptureError::SharedMemory)
    }
}
