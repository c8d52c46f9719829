//! Prints the flags of the ancestors of a text (development aid for the heuristics).
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&a[1]).unwrap_or_default();
    let html = String::from_utf8_lossy(&bytes);
    print!("{}", storyweave_extract::debug_trace(&html, &a[2]));
}
