//! `LocalReads`: inline reads return what `LocalFileSystem` would, and errors name the file.

use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt};
use trawl_query::local_reads::LocalReads;

fn fixture() -> (tempfile::TempDir, Path) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("part.parquet");
    std::fs::write(&file, (0..=255u8).cycle().take(10_000).collect::<Vec<_>>()).expect("write");
    let path = Path::from_absolute_path(&file).expect("absolute path");
    (dir, path)
}

#[tokio::test]
async fn ranges_heads_and_suffixes_match_the_local_file_system() {
    let (_dir, path) = fixture();
    let (ours, theirs) = (LocalReads::new(), LocalFileSystem::new());

    assert_eq!(
        ours.get_range(&path, 300..1_300).await.unwrap(),
        theirs.get_range(&path, 300..1_300).await.unwrap()
    );
    let ranges = [0..10, 9_990..10_000, 512..4_096];
    assert_eq!(
        ours.get_ranges(&path, &ranges).await.unwrap(),
        theirs.get_ranges(&path, &ranges).await.unwrap()
    );
    let suffix = || GetOptions {
        range: Some(GetRange::Suffix(64)),
        ..Default::default()
    };
    let (a, b) = (
        ours.get_opts(&path, suffix()).await.unwrap(),
        theirs.get_opts(&path, suffix()).await.unwrap(),
    );
    assert_eq!(a.range, b.range);
    assert_eq!(a.bytes().await.unwrap(), b.bytes().await.unwrap());

    let head = ours.head(&path).await.unwrap();
    assert_eq!(head.size, 10_000);
    assert_eq!(head.location, path);
}

#[tokio::test]
async fn a_missing_file_is_not_found_and_a_short_file_names_itself() {
    let (_dir, path) = fixture();
    let ours = LocalReads::new();
    let missing = Path::from(format!("{path}.gone"));
    assert!(matches!(
        ours.get_range(&missing, 0..1).await,
        Err(object_store::Error::NotFound { .. })
    ));
    let err = ours
        .get_ranges(&path, &[0..10, 9_000..11_000])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("part.parquet"), "{err}");
}

#[tokio::test]
async fn a_lake_under_a_folder_named_like_a_glob_is_read_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let odd = dir.path().join("case [42] *?");
    std::fs::create_dir(&odd).expect("mkdir");
    let files: Vec<_> = super::lake::files()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let copy = odd.join(format!("part {i}.parquet"));
            std::fs::copy(f, &copy).expect("copy");
            copy
        })
        .collect();
    let session = trawl_query::lake_session(files, &Default::default())
        .await
        .expect("session");
    let batches = session
        .sql("SELECT count(*) FROM cloudtrail")
        .await
        .expect("plan")
        .remove(0)
        .collect()
        .await
        .expect("run");
    let count = batches[0]
        .column(0)
        .as_any()
        .downcast_ref::<datafusion::arrow::array::Int64Array>()
        .expect("count")
        .value(0);
    assert_eq!(count, 31);
}
