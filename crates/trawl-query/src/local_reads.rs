//! The local file system as DataFusion reads it, minus a thread hop per read.
//!
//! `object_store`'s `LocalFileSystem` runs every read on tokio's blocking pool, and reopens the
//! file each time. A query over the lake does three or four small reads per file (footer, page
//! index, column chunks) for some 80 files, so those hand-offs cost more than the reads: the lake's
//! files are small and usually in the page cache. [`LocalReads`] reads ranges inline and leaves
//! everything else (listing, writes, conditional requests) to `LocalFileSystem`.

use std::fmt;
use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use futures::stream::BoxStream;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{
    Attributes, CopyOptions, GetOptions, GetResult, GetResultPayload, ListResult, MultipartUpload,
    ObjectMeta, ObjectStore, PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions,
    Result,
};

/// A [`LocalFileSystem`] whose plain reads (`get_range`, `get_ranges`, `head`) run inline.
#[derive(Debug, Default)]
pub struct LocalReads {
    inner: LocalFileSystem,
}

impl LocalReads {
    /// A store rooted at `/`, like `LocalFileSystem::new()`.
    pub fn new() -> Self {
        Self::default()
    }

    fn open(&self, location: &Path) -> Result<File> {
        let path = self.inner.path_to_filesystem(location)?;
        File::open(&path).map_err(|e| io_error(e, &path))
    }
}

fn meta(file: &File, location: &Path) -> Result<ObjectMeta> {
    let metadata = file
        .metadata()
        .map_err(|e| io_error(e, location.as_ref()))?;
    Ok(ObjectMeta {
        location: location.clone(),
        last_modified: metadata
            .modified()
            .map(DateTime::<Utc>::from)
            .unwrap_or_default(),
        size: metadata.len(),
        e_tag: None,
        version: None,
    })
}

fn read_range(file: &File, location: &Path, range: Range<u64>) -> Result<Bytes> {
    let mut buf = vec![0; (range.end - range.start) as usize];
    file.read_exact_at(&mut buf, range.start)
        .map_err(|e| io_error(e, location.as_ref()))?;
    Ok(buf.into())
}

fn io_error(source: std::io::Error, path: impl AsRef<std::path::Path>) -> object_store::Error {
    let path = path.as_ref().display().to_string();
    if source.kind() == std::io::ErrorKind::NotFound {
        object_store::Error::NotFound {
            path,
            source: source.into(),
        }
    } else {
        object_store::Error::Generic {
            store: "LocalReads",
            source: format!("{path}: {source}").into(),
        }
    }
}

/// Whether `options` asks for no more than a plain (ranged) read or a head.
fn plain(options: &GetOptions) -> bool {
    options.if_match.is_none()
        && options.if_none_match.is_none()
        && options.if_modified_since.is_none()
        && options.if_unmodified_since.is_none()
        && options.version.is_none()
}

impl fmt::Display for LocalReads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LocalReads({})", self.inner)
    }
}

#[async_trait]
impl ObjectStore for LocalReads {
    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        if !plain(&options) {
            return self.inner.get_opts(location, options).await;
        }
        let file = self.open(location)?;
        let meta = meta(&file, location)?;
        let range = match &options.range {
            Some(r) => r
                .as_range(meta.size)
                .map_err(|e| object_store::Error::Generic {
                    store: "LocalReads",
                    source: Box::new(e),
                })?,
            None => 0..meta.size,
        };
        let bytes = if options.head {
            Bytes::new()
        } else {
            read_range(&file, location, range.clone())?
        };
        Ok(GetResult {
            payload: GetResultPayload::Stream(futures::stream::once(async { Ok(bytes) }).boxed()),
            meta,
            range,
            attributes: Attributes::default(),
        })
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        let file = self.open(location)?;
        ranges
            .iter()
            .map(|r| read_range(&file, location, r.clone()))
            .collect()
    }

    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> Result<PutResult> {
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.inner.list(prefix)
    }

    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        self.inner.list_with_offset(prefix, offset)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        self.inner.copy_opts(from, to, options).await
    }

    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> Result<()> {
        self.inner.rename_opts(from, to, options).await
    }
}
