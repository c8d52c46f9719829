//! Measures reading speed: `cargo run --release -p storyweave-ingest --example read_speed -- PATH...`
//! prints records, errors, bytes of body text and throughput for the given files and folders.

use std::path::PathBuf;
use std::time::Instant;
use storyweave_ingest::{list_inputs, read_file_iter, ReadOptions};
use storyweave_model::RawBody;

fn main() {
    let inputs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let start = Instant::now();
    let (mut records, mut errors, mut bytes) = (0usize, 0usize, 0usize);
    for input in list_inputs(&inputs) {
        let Ok(path) = input else {
            errors += 1;
            continue;
        };
        for record in read_file_iter(&path, &ReadOptions::default()) {
            match record {
                Ok(a) => {
                    records += 1;
                    bytes += match &a.body {
                        RawBody::Text(t) | RawBody::Html(t) => t.len(),
                    };
                }
                Err(_) => errors += 1,
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{records} records, {errors} errors, {:.1} MB of body text in {secs:.3} s: {:.0} records/s, {:.1} MB/s",
        bytes as f64 / 1e6,
        records as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
}
