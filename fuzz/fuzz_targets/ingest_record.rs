//! One arbitrary JSON record end to end: parsed, then cleaned, clustered and stored by the
//! engine in an in-memory store. A record's fault is that record's (issue 12): the ingest may
//! skip the record, but must never fail as a whole or panic because of it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyweave_engine::{Config, Engine, Pipeline};
use storyweave_ingest::parse_record_str;
use storyweave_model::Origin;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else { return };
    let Ok(raw) = parse_record_str(json, Origin::default()) else { return };
    let engine = Engine::in_memory(Pipeline::new(Config::default())).expect("an in-memory store opens");
    if let Err(e) = engine.ingest_raw(vec![raw], &mut ()) {
        panic!("one record failed the whole ingest: {e}");
    }
});
