fn main() {
    for p in std::env::args().skip(1) {
        let s = std::fs::read_to_string(&p).unwrap();
        let (lang, text) = s.split_once('\n').unwrap();
        let lang = storyweave_model::Lang::new(lang);
        let n = storyweave_entities::find_names(text, &lang);
        let mut keys: Vec<String> = n.entities.iter().map(|(_, e)| format!("{}={}", e.surface, e.key)).collect();
        keys.sort(); keys.dedup();
        println!("## {p}\nENTS {}\nORD {}\nNUMS {:?}\nDATES {:?} MAIN {:?}", keys.join(" | "), n.ordinary.join(" "),
            storyweave_entities::extract_numbers(text, &lang).into_iter().filter(|x| storyweave_entities::is_informative(x)).collect::<Vec<_>>(),
            storyweave_entities::extract_dates(text, &lang), storyweave_entities::main_date(text, &lang));
    }
}
