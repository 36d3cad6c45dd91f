//! Near-miss suggestions for unknown names: a misspelt id in a file gets
//! "did you mean ...?" rather than only "unknown".

/// ` (did you mean "X"?)` when one candidate is close to `wrong`, else empty.
pub(crate) fn suggest<'a>(wrong: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let limit = (wrong.chars().count() / 3).clamp(1, 3);
    let best = candidates
        .map(|c| (edit_distance(&wrong.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c));
    match best {
        Some((_, c)) => format!(" (did you mean \"{c}\"?)"),
        None => String::new(),
    }
}

/// Levenshtein distance between two strings, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("Redis_Sesions", "Redis_Sessions"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggest_picks_the_nearest_close_candidate() {
        let c = ["Redis_Sessions", "Redis_Messages"];
        assert_eq!(
            suggest("Redis_Sesions", c.iter().copied()),
            " (did you mean \"Redis_Sessions\"?)"
        );
        assert_eq!(suggest("Kafka", c.iter().copied()), "");
    }
}
