//! Athena's `IPADDRESS` type as a 16-byte value (`FixedSizeBinary(16)`).
//!
//! IPv4 addresses are mapped into `::ffff:0:0/96`, as in Trino, so one byte order ranks every
//! address: comparisons (`<`, `BETWEEN`, `ORDER BY`) on the binary value follow Athena's. The
//! `IPADDRESS '…'` literal and `CAST(x AS IPADDRESS)` are rewritten to `ipaddress(x)`; text that
//! is not an address (`AWS Internal`, a service name) is an error, NULL inside `try()` /
//! `TRY_CAST`. `contains('10.0.0.0/8', ip)` tests CIDR membership (see `arrays::contains`).

use std::net::{IpAddr, Ipv6Addr};

use datafusion::arrow::array::{Array, ArrayRef, FixedSizeBinaryBuilder};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;

use super::support::{Arg, OnError, Spec, arc, strings};

/// Byte width of an `IPADDRESS` value.
pub const IP_WIDTH: i32 = 16;

/// The Arrow type of `IPADDRESS`.
pub fn ip_type() -> DataType {
    DataType::FixedSizeBinary(IP_WIDTH)
}

/// The IP functions.
pub(crate) const SPECS: &[Spec] = &[Spec {
    name: "ipaddress",
    args: &[Arg::Str],
    optional: 0,
    ret: |_| Ok(ip_type()),
    kernel: ipaddress,
    fallible: true,
}];

/// Parses IPv4 or IPv6 text to its 16-byte form (IPv4 mapped into `::ffff:0:0/96`).
pub fn parse_ip(s: &str) -> std::result::Result<[u8; 16], String> {
    match s.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => Ok(v4.to_ipv6_mapped().octets()),
        Ok(IpAddr::V6(v6)) => Ok(v6.octets()),
        Err(_) => Err(format!("cannot cast value to IPADDRESS: '{}'", s)),
    }
}

/// Text of a 16-byte address: dotted IPv4 for mapped addresses, else canonical IPv6.
pub fn format_ip(b: &[u8]) -> String {
    let Ok(octets) = <[u8; 16]>::try_from(b) else {
        return format!("{b:02x?}");
    };
    let v6 = Ipv6Addr::from(octets);
    match v6.to_ipv4_mapped() {
        Some(v4) => v4.to_string(),
        None => v6.to_string(),
    }
}

/// Parses `addr/prefix` into (network bytes, prefix length in the 128-bit space).
pub(crate) fn parse_cidr(s: &str) -> std::result::Result<([u8; 16], u32), String> {
    let (addr, len) = s
        .split_once('/')
        .ok_or_else(|| format!("'{s}' is not a CIDR block (expected address/prefix)"))?;
    let is_v4 = addr.trim().parse::<std::net::Ipv4Addr>().is_ok();
    let bytes = parse_ip(addr).map_err(|_| format!("'{s}' is not a CIDR block"))?;
    let len: u32 = len
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' has an invalid prefix length"))?;
    let (max, shift) = if is_v4 { (32, 96) } else { (128, 0) };
    if len > max {
        return Err(format!("'{s}' has a prefix longer than {max} bits"));
    }
    Ok((bytes, len + shift))
}

/// Whether `ip` lies in the network (`net`, `prefix` bits).
pub(crate) fn in_cidr(net: &[u8; 16], prefix: u32, ip: &[u8]) -> bool {
    let (Ok(ip), n) = (<[u8; 16]>::try_from(ip), u128::from_be_bytes(*net)) else {
        return false;
    };
    let mask = if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix)
    };
    (u128::from_be_bytes(ip) & mask) == (n & mask)
}

fn ipaddress(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let s = strings(&args[0])?;
    let mut out = FixedSizeBinaryBuilder::with_capacity(s.len(), IP_WIDTH);
    for v in s.iter() {
        match v {
            Some(v) => match on_error.row("ipaddress", parse_ip(v))? {
                Some(b) => out.append_value(b)?,
                None => out.append_null(),
            },
            None => out.append_null(),
        }
    }
    Ok(arc(out.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_is_mapped_and_ordered_below_most_v6() {
        let a = parse_ip("10.0.0.1").unwrap();
        assert_eq!(&a[10..12], &[0xff, 0xff]);
        assert!(parse_ip("10.0.0.1").unwrap() < parse_ip("10.0.0.2").unwrap());
        assert!(parse_ip("9.255.255.255").unwrap() < parse_ip("10.0.0.0").unwrap());
        assert!(parse_ip("::1").unwrap() < parse_ip("0.0.0.1").unwrap());
        assert!(parse_ip("2001:db8::1").unwrap() > parse_ip("255.255.255.255").unwrap());
        assert!(parse_ip("AWS Internal").unwrap_err().contains("IPADDRESS"));
    }

    #[test]
    fn formats_back_to_text() {
        assert_eq!(
            format_ip(&parse_ip("192.168.1.10").unwrap()),
            "192.168.1.10"
        );
        assert_eq!(
            format_ip(&parse_ip("2001:DB8:0:0::1").unwrap()),
            "2001:db8::1"
        );
    }

    #[test]
    fn cidr_membership() {
        let (net, p) = parse_cidr("10.0.0.0/8").unwrap();
        assert!(in_cidr(&net, p, &parse_ip("10.255.0.1").unwrap()));
        assert!(!in_cidr(&net, p, &parse_ip("11.0.0.1").unwrap()));
        let (net, p) = parse_cidr("2001:db8::/32").unwrap();
        assert!(in_cidr(&net, p, &parse_ip("2001:db8:1::5").unwrap()));
        assert!(!in_cidr(&net, p, &parse_ip("10.0.0.1").unwrap()));
        let (net, p) = parse_cidr("0.0.0.0/0").unwrap();
        assert!(in_cidr(&net, p, &parse_ip("8.8.8.8").unwrap()));
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_cidr("10.0.0.0").is_err());
    }
}
