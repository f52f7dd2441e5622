//! Syntax highlighting of fenced code with a language, for both formats: syntect's Sublime Text
//! grammars (its bundled set, loaded once on first use) classify the code; each writer maps the
//! few classes below to its own colours. A language syntect does not know is left plain.

use std::sync::OnceLock;
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};

/// What a piece of code is, as far as its colour goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Token {
    Plain,
    Comment,
    String,
    Keyword,
    Number,
    Constant,
    Function,
    Type,
}

impl Token {
    /// The class name the EPUB uses (`hl-k` …); empty for plain code.
    pub fn class(self) -> &'static str {
        match self {
            Token::Plain => "",
            Token::Comment => "hl-c",
            Token::String => "hl-s",
            Token::Keyword => "hl-k",
            Token::Number => "hl-n",
            Token::Constant => "hl-o",
            Token::Function => "hl-f",
            Token::Type => "hl-t",
        }
    }

    /// The print colour (sRGB): dark enough to read as text, distinct in lightness so the
    /// classes stay apart in greyscale (comments lightest).
    pub fn print_colour(self) -> Option<[u8; 3]> {
        match self {
            Token::Plain => None,
            Token::Comment => Some([0x6a, 0x6a, 0x6a]),
            Token::String => Some([0x23, 0x5e, 0x27]),
            Token::Keyword => Some([0x1d, 0x3f, 0x8a]),
            Token::Number | Token::Constant => Some([0x8a, 0x2c, 0x12]),
            Token::Function => Some([0x5a, 0x2d, 0x82]),
            Token::Type => Some([0x00, 0x55, 0x66]),
        }
    }
}

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Scope prefixes and their classes, most specific first.
const CLASSES: &[(&str, Token)] = &[
    ("comment", Token::Comment),
    ("string", Token::String),
    ("constant.numeric", Token::Number),
    ("constant.character.escape", Token::String),
    ("constant", Token::Constant),
    ("entity.name.function", Token::Function),
    ("support.function", Token::Function),
    ("variable.function", Token::Function),
    ("entity.name.type", Token::Type),
    ("entity.name.class", Token::Type),
    ("entity.name.struct", Token::Type),
    ("support.type", Token::Type),
    ("support.class", Token::Type),
    ("storage.type", Token::Keyword),
    ("storage.modifier", Token::Keyword),
    ("keyword.operator", Token::Plain),
    ("keyword", Token::Keyword),
];

fn classify(stack: &ScopeStack, prefixes: &[(Scope, Token)]) -> Token {
    for scope in stack.as_slice().iter().rev() {
        if let Some((_, t)) = prefixes.iter().find(|(p, _)| p.is_prefix_of(*scope)) {
            return *t;
        }
    }
    Token::Plain
}

/// The code's lines, each as (class, text) pieces in order, or `None` when the language is
/// not known (or the grammar fails on the text). Joining a line's pieces gives the line.
pub fn highlight(lang: &str, code: &str) -> Option<Vec<Vec<(Token, String)>>> {
    let ss = syntaxes();
    let syntax = ss.find_syntax_by_token(lang)?;
    let prefixes: Vec<(Scope, Token)> = CLASSES.iter().filter_map(|(p, t)| Scope::new(p).ok().map(|s| (s, *t))).collect();
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = Vec::new();
    for line in code.split('\n') {
        let with_nl = format!("{line}\n");
        let ops = state.parse_line(&with_nl, ss).ok()?;
        let mut pieces: Vec<(Token, String)> = Vec::new();
        let mut at = 0;
        let push = |t: Token, s: &str, pieces: &mut Vec<(Token, String)>| {
            if s.is_empty() {
                return;
            }
            match pieces.last_mut() {
                Some((pt, ps)) if *pt == t => ps.push_str(s),
                _ => pieces.push((t, s.to_string())),
            }
        };
        for (pos, op) in ops {
            let pos = pos.min(line.len());
            if pos > at {
                push(classify(&stack, &prefixes), &line[at..pos], &mut pieces);
                at = pos;
            }
            stack.apply(&op).ok()?;
        }
        if at < line.len() {
            push(classify(&stack, &prefixes), &line[at..], &mut pieces);
        }
        out.push(pieces);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_is_classified_and_every_character_kept() {
        let code = "fn main() {\n    // greet\n    let n = 42;\n    println!(\"hi {n}\");\n}";
        let lines = highlight("rust", code).expect("rust is known");
        let joined: Vec<String> = lines.iter().map(|l| l.iter().map(|(_, s)| s.as_str()).collect()).collect();
        assert_eq!(joined.join("\n"), code);
        let has = |t: Token, s: &str| lines.iter().flatten().any(|(k, x)| *k == t && x.contains(s));
        assert!(has(Token::Keyword, "fn") && has(Token::Keyword, "let"));
        assert!(has(Token::Comment, "// greet"));
        assert!(has(Token::Number, "42"));
        assert!(has(Token::String, "hi"));
    }

    #[test]
    fn unknown_languages_stay_plain() {
        assert!(highlight("no-such-language", "x").is_none());
    }
}
