//! `vigie sentiment`: scores lines of stdin, one score per line (`--explain` adds why).

use super::*;

pub(super) fn cmd_sentiment(lang: SentimentLang, explain: bool) -> anyhow::Result<()> {
    let lang = match lang {
        SentimentLang::Auto => None,
        SentimentLang::Fr => Some(sentiment::Lang::Fr),
        SentimentLang::En => Some(sentiment::Lang::En),
    };
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut line = Vec::new();
    let mut input = std::io::BufReader::new(stdin);
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        // A line that is not UTF-8 is scored on what it says, not refused.
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if explain {
            let (s, weights) = sentiment::explain(text, lang);
            let weights: Vec<String> = weights
                .iter()
                .map(|(w, v)| format!("{w}:{v:+.2}"))
                .collect();
            let lang = s.lang.map_or("unscored", sentiment::Lang::as_str);
            writeln!(out, "{:.4}\t{lang}\t{}", s.score, weights.join(" "))?;
        } else {
            writeln!(out, "{:.4}", sentiment::score(text, lang).score)?;
        }
    }
    out.flush()?;
    Ok(())
}
