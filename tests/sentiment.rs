//! The sentiment rules as a community manager would check them, in French and English, on
//! brand-mention sentences written for these tests (never taken from the evaluation sets).

use vigie::analyze::matcher::Matcher;
use vigie::analyze::sentiment::{Label, Lang, score, score_mention};
use vigie::settings::watchlist::Brand;

fn s(text: &str) -> f32 {
    score(text, None).score
}

fn label(text: &str) -> Label {
    score(text, None).label
}

/// Labelled fixtures: what a person reading the sentence would say.
const FIXTURES: &[(&str, Label)] = &[
    // French
    ("Acme est génial, je recommande !", Label::Positive),
    ("Le service client d'Acme est vraiment nul", Label::Negative),
    ("Acme ouvre un magasin à Lyon", Label::Neutral),
    ("Ce n'est pas bon du tout", Label::Negative),
    ("Je n'aime pas la nouvelle appli Acme", Label::Negative),
    (
        "Rien à redire, livraison rapide et produit impeccable",
        Label::Positive,
    ),
    ("Colis jamais arrivé, une arnaque", Label::Negative),
    ("Pas terrible le nouveau grille-pain Acme", Label::Negative),
    (
        "Pas mal du tout, le nouveau grille-pain Acme",
        Label::Positive,
    ),
    (
        "Acme est un peu cher mais vraiment excellent",
        Label::Positive,
    ),
    (
        "Beau design, pourtant la batterie est décevante",
        Label::Negative,
    ),
    ("Je suis déçue par Acme 😡", Label::Negative),
    ("Merci Acme, au top comme d'habitude 😍", Label::Positive),
    (
        "Acme n'est plus fiable depuis la mise à jour",
        Label::Negative,
    ),
    ("Aucun problème avec ma commande Acme", Label::Positive),
    ("Sans intérêt, cette pub Acme", Label::Negative),
    // English
    ("I love my new Acme blender!", Label::Positive),
    ("Acme support is useless, never again", Label::Negative),
    ("Acme opens a store in Lyon", Label::Neutral),
    ("The Acme app is not good", Label::Negative),
    ("Not bad at all, Acme", Label::Positive),
    ("Nice design but the battery is terrible", Label::Negative),
    (
        "The battery is terrible but the design is lovely",
        Label::Positive,
    ),
    ("Acme toaster caught fire :(", Label::Negative),
    (
        "Despite the delay, Acme support was excellent",
        Label::Positive,
    ),
    ("Acme is GREAT", Label::Positive),
    ("Worst purchase ever 😡", Label::Negative),
];

#[test]
fn fixtures_get_the_label_a_reader_would_give() {
    let wrong: Vec<String> = FIXTURES
        .iter()
        .filter_map(|&(text, want)| {
            let got = score(text, None);
            (got.label != want).then(|| format!("{text:?}: {got:?}, want {want:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn negation_flips_in_both_languages() {
    assert!(s("Acme est fiable") > 0.2);
    assert!(s("Acme n'est pas fiable") < -0.2);
    // Spoken French drops the `ne`.
    assert!(s("Acme c'est pas fiable") < -0.2);
    // The sentiment word between the two parts is negated too.
    assert!(s("J'aime Acme") > 0.2);
    assert!(s("Je n'aime pas Acme") < -0.2);
    // `jamais`, `plus`, `sans`, `aucun`.
    assert!(s("Acme n'est jamais fiable") < -0.2);
    assert!(s("Acme n'est plus fiable") < -0.2);
    assert!(s("un produit sans qualité") < -0.1);
    assert!(s("Acme is reliable") > 0.2);
    assert!(s("Acme is not reliable") < -0.2);
    assert!(s("Acme isn't reliable") < -0.2);
    assert!(s("Acme disappoints") < -0.2);
    assert!(s("Acme never disappoints") > 0.2);
}

#[test]
fn ne_que_means_only_not_a_negation() {
    assert!(s("Je n'aime que Acme") > 0.2, "{}", s("Je n'aime que Acme"));
}

#[test]
fn plus_alone_means_more_not_a_negation() {
    assert!(s("Acme est plus fiable") > 0.2);
}

#[test]
fn negation_scope_ends_at_punctuation() {
    assert!(s("Je ne sais pas, le service était excellent") > 0.2);
    assert!(s("I don't know, the service was excellent") > 0.2);
    assert!(s("Not sure why. Acme is excellent") > 0.2);
}

#[test]
fn negation_scope_ends_after_a_few_words() {
    // "formidable" is seven words after "jamais", "lovely" seven after "never".
    assert!(s("Acme ne livre jamais le dimanche et son équipe est formidable") > 0.2);
    assert!(s("Acme never ships on sundays and the staff are lovely") > 0.2);
}

#[test]
fn contrast_makes_the_second_clause_weigh_more() {
    assert!(s("Acme est cher mais excellent") > 0.0);
    assert!(s("Acme est excellent mais vraiment trop cher") < 0.0);
    assert!(s("Bon produit, cependant le service est lamentable") < 0.0);
    assert!(s("Great screen but the battery is awful") < 0.0);
    assert!(s("The battery is awful but the screen is great") > 0.0);
    // Opening a sentence, it weighs against the previous one.
    assert!(s("Le produit est beau. Pourtant il est décevant.") < 0.0);
}

#[test]
fn concession_weighs_less() {
    assert!(s("Malgré le retard, le service était excellent") > 0.2);
    assert!(s("Even though the box was damaged, the blender is great") > 0.2);
}

#[test]
fn intensifiers_strengthen_and_dampeners_weaken() {
    assert!(s("Acme est très bon") > s("Acme est bon"));
    assert!(s("Acme est vraiment nul") < s("Acme est nul"));
    assert!(s("Acme est plutôt bon") < s("Acme est bon"));
    assert!(s("Acme est un peu décevant") > s("Acme est décevant"));
    assert!(s("Acme is very good") > s("Acme is good"));
    assert!(s("Acme is somewhat good") < s("Acme is good"));
    assert!(s("Acme is kind of bad") > s("Acme is bad"));
}

#[test]
fn exclamation_and_capitals_add_emphasis() {
    assert!(s("Acme est génial !!!") > s("Acme est génial"));
    assert!(s("Acme est nul !!") < s("Acme est nul"));
    assert!(s("Acme is GREAT") > s("Acme is great"));
    // A text written all in capitals is not shouting any word in particular.
    assert!((s("ACME IS GREAT") - s("acme is great")).abs() < 1e-6);
}

#[test]
fn emoji_and_emoticons_carry_sentiment() {
    assert!(s("Acme 😡") < -0.2);
    assert!(s("Acme 😍") > 0.2);
    assert!(s("Acme :(") < -0.2);
    assert!(s("Acme :-)") > 0.2);
    assert!(s("Acme <3") > 0.2);
    // An emoji is not flipped by a negation before it.
    assert!(s("pas de livraison aujourd'hui 😡") < -0.2);
}

#[test]
fn stretched_words_and_missing_accents_are_understood() {
    assert!(s("Acme c'est géniaaaal") > 0.2);
    assert!(s("Acme est genial, tres bien") > 0.2);
    assert!(s("sooo goooood") > 0.2);
}

#[test]
fn scores_stay_in_range_with_a_neutral_band() {
    let long = "excellent génial parfait ! ".repeat(200);
    assert!(s(&long) <= 1.0 && s(&long) > 0.9);
    let long = "horrible nul catastrophe ! ".repeat(200);
    assert!(s(&long) >= -1.0 && s(&long) < -0.9);
    assert_eq!(label(""), Label::Neutral);
    assert_eq!(s(""), 0.0);
    assert_eq!(
        label("Acme publie ses résultats trimestriels"),
        Label::Neutral
    );
}

#[test]
fn language_is_detected_on_short_texts() {
    let lang = |t: &str| score(t, None).lang;
    assert_eq!(lang("Acme au top"), Some(Lang::Fr));
    assert_eq!(lang("Super produit, je recommande"), Some(Lang::Fr));
    assert_eq!(lang("j'adore"), Some(Lang::Fr));
    assert_eq!(lang("c'est nul"), Some(Lang::Fr));
    assert_eq!(lang("love it"), Some(Lang::En));
    assert_eq!(lang("awesome phone choice"), Some(Lang::En));
    assert_eq!(lang("The Acme app is not good"), Some(Lang::En));
    assert_eq!(lang("Déçu"), Some(Lang::Fr));
    // Neither French nor English: not scored.
    let de = score(
        "Das neue Produkt ist wirklich sehr schlecht und teuer",
        None,
    );
    assert_eq!((de.lang, de.score, de.label), (None, 0.0, Label::Neutral));
    let es = score(
        "El servicio de atención al cliente es muy malo y caro",
        None,
    );
    assert_eq!(es.lang, None);
}

#[test]
fn a_forced_language_is_used_as_is() {
    // "pain" is bread in French.
    assert!(score("pain", Some(Lang::Fr)).score.abs() < 0.05);
    assert!(score("pain", Some(Lang::En)).score < -0.3);
}

fn acme() -> Matcher {
    Matcher::new(&[Brand {
        name: "Acme".into(),
        aliases: vec![],
        exclude: vec![],
        query: None,
    }])
}

fn mention_score(title: &str, text: &str, lang: Option<&str>) -> f32 {
    let view = vigie::analyze::matcher::ItemView {
        title,
        text,
        url: None,
        lang,
    };
    let hit = acme()
        .match_item(&view, None)
        .into_iter()
        .next()
        .expect("mentions Acme");
    score_mention(title, text, &hit.evidence, lang).score
}

#[test]
fn a_mention_is_scored_on_the_sentences_around_the_brand() {
    // A long article whose only bad news is in an unrelated paragraph.
    let text = "La région accueille de nouvelles entreprises cette année. \
                Le salon de l'habitat a ouvert ses portes samedi.\n\
                Un incendie terrible a ravagé un entrepôt voisin, faisant plusieurs blessés graves. \
                Les pompiers ont lutté toute la nuit contre ce drame.\n\
                La mairie a annoncé un plan de circulation pour le marché de Noël. \
                Les commerçants du centre sont inquiets.\n\
                Enfin, Acme inaugure un magasin très réussi rue de la République. \
                Les premiers clients sont ravis.";
    let whole = s(text);
    let mention = mention_score("Actualités de la semaine", text, Some("fr"));
    assert!(
        whole < 0.0,
        "the article as a whole reads negative: {whole}"
    );
    assert!(
        mention > 0.2,
        "but what it says of Acme is positive: {mention}"
    );
}

#[test]
fn a_mention_includes_the_next_sentence_and_a_title_that_names_the_brand() {
    // "It" in the next sentence is still about Acme.
    let text = "We tested the new Acme toaster this week. It caught fire twice, awful. \
                In other news, the weather was lovely and the park is beautiful and sunny.";
    assert!(mention_score("Weekly roundup", text, Some("en")) < -0.2);
    // A title naming the brand counts.
    let title = "Acme recall: a disaster";
    assert!(mention_score(title, "Details below. Stores open at nine.", Some("en")) < -0.2);
}

#[test]
fn a_mention_hit_only_in_the_title_is_scored_on_title_and_text() {
    let score = mention_score("Acme", "Le service client est lamentable.", Some("fr"));
    assert!(score < -0.2, "{score}");
}

#[test]
fn a_mention_in_another_declared_language_is_not_scored() {
    let view_text = "Acme ist wirklich schrecklich";
    let hit = acme()
        .match_item(
            &vigie::analyze::matcher::ItemView {
                title: "",
                text: view_text,
                url: None,
                lang: Some("de"),
            },
            None,
        )
        .remove(0);
    let got = score_mention("", view_text, &hit.evidence, Some("de"));
    assert_eq!((got.lang, got.score), (None, 0.0));
}

#[test]
fn the_brand_name_itself_carries_no_sentiment() {
    let matcher = Matcher::new(&[Brand {
        name: "Bonne Maman".into(),
        aliases: vec!["Happy Cow".into()],
        exclude: vec![],
        query: None,
    }]);
    let score_of = |text: &str| {
        let view = vigie::analyze::matcher::ItemView {
            title: "",
            text,
            url: None,
            lang: Some("fr"),
        };
        let hit = matcher.match_item(&view, None).remove(0);
        score_mention("", text, &hit.evidence, Some("fr"))
    };
    let plain = "Bonne Maman lance une confiture à la rhubarbe";
    assert!(s(plain) > 0.05, "read as words, \"bonne\" is praise");
    assert_eq!(score_of(plain).label, Label::Neutral);
    assert_eq!(
        score_of("Happy Cow ouvre une fromagerie à Lyon").label,
        Label::Neutral
    );
    assert_eq!(
        score_of("La confiture Bonne Maman est décevante").label,
        Label::Negative
    );
}

#[test]
fn a_capitalized_word_inside_a_french_sentence_is_a_name() {
    assert_eq!(
        label("Le maire a reçu Paul Bonheur et la délégation de Foix"),
        Label::Neutral
    );
    // First in its sentence, it is a word again.
    assert_eq!(label("Bonheur total avec Acme"), Label::Positive);
    // A title in Title Case keeps its words.
    assert_eq!(
        label("Rappel Massif Et Clients Furieux Chez Acme"),
        Label::Negative
    );
}

#[test]
fn ne_que_ends_before_an_elided_qu() {
    // "n'est qu'un…": only, and what follows is not negated.
    assert!(s("Ce n'est qu'un produit inutile et décevant") < -0.2);
}
