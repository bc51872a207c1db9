use super::points;

#[test]
fn strike_points_never_read_negative_zero() {
    for (x, shown) in [
        (-0.0, "0.0"),
        (-0.04, "0.0"),
        (-1e-17, "0.0"),
        (0.0, "0.0"),
        (2.25, "2.3"),
        (4.0, "4.0"),
        (-1.5, "-1.5"),
    ] {
        assert_eq!(points(x), shown, "{x}");
    }
}
