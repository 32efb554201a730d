//! Geography: great-circle distance on a sphere (canvassing, G.O. §C.1.b) and the valid ranges
//! of a latitude and a longitude.

/// The radius of the sphere for great-circle distances, in metres (the IUGG mean Earth radius).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Whether `lat` is within -90..=90 degrees and `lon` within -180..=180 (NaN is neither).
pub fn valid_lat_lon(lat: f64, lon: f64) -> bool {
    (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}

/// Great-circle distance in metres between two points given in degrees (haversine formula on a
/// sphere of radius [`EARTH_RADIUS_M`]).
pub fn great_circle_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lat_lon_ranges_include_their_ends_and_exclude_nan() {
        assert!(valid_lat_lon(90.0, -180.0) && valid_lat_lon(-90.0, 180.0));
        assert!(!valid_lat_lon(90.5, 0.0) && !valid_lat_lon(0.0, -180.5));
        assert!(!valid_lat_lon(f64::NAN, 0.0) && !valid_lat_lon(0.0, f64::NAN));
    }
}
