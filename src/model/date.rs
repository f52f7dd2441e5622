//! Calendar dates: parsed and checked from `YYYY-MM-DD`, written long in the book's language.

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking the calendar.
    pub fn parse(s: &str) -> Result<Date, String> {
        let parts: Vec<&str> = s.split('-').collect();
        let bad = || format!("`{s}` is not a date of the form YYYY-MM-DD");
        if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
            return Err(bad());
        }
        if !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(bad());
        }
        let year: i32 = parts[0].parse().map_err(|_| bad())?;
        let month: u32 = parts[1].parse().map_err(|_| bad())?;
        let day: u32 = parts[2].parse().map_err(|_| bad())?;
        if year == 0 {
            return Err(format!("`{s}` has year 0; the calendar starts at year 0001"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}` has month {month}; months run from 01 to 12"));
        }
        let dim = days_in_month(year, month);
        if day == 0 || day > dim {
            return Err(format!("`{s}` has day {day}, but that month has {dim} days"));
        }
        Ok(Date { year, month, day })
    }

    /// Date of a Unix timestamp (UTC).
    pub fn from_unix(secs: i64) -> Date {
        // Civil-from-days (proleptic Gregorian), after Howard Hinnant's algorithm.
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// "October 16, 1961" (English), "16. Oktober 1961" (German), "16 octobre 1961" (French),
    /// "16 октября 1961" (Russian); other languages get ISO.
    pub fn long(&self, language: &str) -> String {
        const EN: [&str; 12] =
            ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
        const DE: [&str; 12] =
            ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];
        const FR: [&str; 12] =
            ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
        const RU: [&str; 12] =
            ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];
        let m = (self.month - 1) as usize;
        match language.split('-').next().unwrap_or("") {
            "en" => format!("{} {}, {}", EN[m], self.day, self.year),
            "de" => format!("{}. {} {}", self.day, DE[m], self.year),
            "fr" if self.day == 1 => format!("1er {} {}", FR[m], self.year),
            "fr" => format!("{} {} {}", self.day, FR[m], self.year),
            "ru" => format!("{} {} {}", self.day, RU[m], self.year),
            _ => self.iso(),
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert!(Date::parse("1961-10-16").is_ok());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("1961-13-01").is_err());
        assert!(Date::parse("16.10.1961").is_err());
        assert!(Date::parse("0000-01-01").is_err());
        assert_eq!(Date::from_unix(0).iso(), "1970-01-01");
        assert_eq!(Date::from_unix(1_700_000_000).iso(), "2023-11-14");
        assert_eq!(Date::parse("1961-10-16").unwrap().long("en"), "October 16, 1961");
    }
}
