//! OPML subscription lists (a miniflux, Feedly, Inoreader or NetNewsWire export): the feeds
//! they list, with their titles, for `vigie import-opml`.
//!
//! Read with the forgiving scanner of [`super::repair`], so an export that is not quite
//! XML (an unescaped `&` in a title) still gives its feeds. Only `http` and `https`
//! addresses are taken: an OPML file from elsewhere must not make Vigie read a local file.

/// A feed an OPML file lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    pub url: String,
    /// Its title (`title`, else `text`), if it has one.
    pub name: Option<String>,
}

/// What an OPML file holds: its feeds, in order, and the addresses left out, with why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opml {
    pub feeds: Vec<OpmlFeed>,
    pub refused: Vec<(String, &'static str)>,
}

/// The feeds of an OPML document; an error when it is not OPML.
pub fn read_opml(doc: &str) -> Result<Opml, String> {
    let tags = super::repair::open_tags(doc);
    if !tags
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("opml"))
    {
        return Err("this is not an OPML file (no <opml> element)".into());
    }
    let mut out = Opml::default();
    for (name, attrs) in tags {
        if !name.eq_ignore_ascii_case("outline") {
            continue;
        }
        let get = |k: &str| {
            attrs
                .iter()
                .find(|(a, _)| a.eq_ignore_ascii_case(k))
                .map(|(_, v)| unescape(v))
        };
        // An outline without xmlUrl is a folder.
        let Some(url) = get("xmlUrl").map(|u| u.trim().to_string()) else {
            continue;
        };
        match url::Url::parse(&url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            Ok(_) => {
                out.refused
                    .push((url, "only http and https addresses are imported"));
                continue;
            }
            Err(_) => {
                out.refused.push((url, "not an address"));
                continue;
            }
        }
        let name = get("title")
            .or_else(|| get("text"))
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty())
            .map(|t| t.chars().take(100).collect());
        if !out.feeds.iter().any(|f| f.url == url) {
            out.feeds.push(OpmlFeed { url, name });
        }
    }
    Ok(out)
}

/// An attribute value with XML's entities and character references decoded.
fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest.find(';').filter(|&e| e <= 10).and_then(|e| {
            let c = match &rest[1..e] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                n if n.starts_with("#x") || n.starts_with("#X") => {
                    char::from_u32(u32::from_str_radix(&n[2..], 16).ok()?)?
                }
                n if n.starts_with('#') => char::from_u32(n[1..].parse().ok()?)?,
                _ => return None,
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_walked_entities_decoded_and_local_files_refused() {
        let doc = r#"<?xml version="1.0"?><opml version="2.0"><body>
            <outline text="Presse">
              <outline type="rss" text="Le Quotidien &amp; Co" xmlUrl="https://q.example/rss?a=1&amp;b=2"/>
              <outline type="rss" text="Forum" title="Forum conso" xmlUrl="http://forum.example/feed"></outline>
            </outline>
            <outline type="rss" text="Secrets" xmlUrl="file:///etc/passwd"/>
            <outline type="rss" text="Twice" xmlUrl="https://q.example/rss?a=1&amp;b=2"/>
          </body></opml>"#;
        let o = read_opml(doc).unwrap();
        assert_eq!(
            o.feeds,
            [
                OpmlFeed {
                    url: "https://q.example/rss?a=1&b=2".into(),
                    name: Some("Le Quotidien & Co".into())
                },
                OpmlFeed {
                    url: "http://forum.example/feed".into(),
                    name: Some("Forum conso".into())
                },
            ]
        );
        assert_eq!(o.refused.len(), 1);
        assert!(read_opml("<rss></rss>").is_err());
    }
}
