//! Prints the entities, numbers, dates and quotes of a text file: `entities FILE [LANG]`.
use storyweave_model::Lang;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "/dev/stdin".into());
    let lang = Lang::new(&args.next().unwrap_or_else(|| "en".into()));
    let text = std::fs::read_to_string(path)?;
    for e in storyweave_entities::extract_entities(&text, &lang) {
        println!(
            "{:?}\t{}\t{}\t{:?}",
            e.kind,
            e.key,
            e.surface,
            storyweave_entities::token_keys(&e)
        );
    }
    println!(
        "numbers: {:?}",
        storyweave_entities::extract_numbers(&text, &lang)
    );
    println!(
        "dates: {:?}",
        storyweave_entities::extract_dates(&text, &lang)
    );
    for q in storyweave_entities::extract_quotes(&text) {
        println!("quote: {}", q.text);
    }
    Ok(())
}
