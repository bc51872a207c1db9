use super::*;

#[test]
fn bitcoin_base58check() {
    // The genesis block's address (P2PKH) and a well-known P2SH address.
    assert!(btc_base58_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").is_some());
    assert!(btc_base58_address("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy").is_some());
    // One character changed: the checksum fails.
    assert!(btc_base58_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb").is_none());
    // Not base58 (0, O, I, l are not in the alphabet).
    assert!(btc_base58_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7Div0Na").is_none());
    assert!(btc_base58_address("hello").is_none());
}

#[test]
fn bitcoin_bech32_and_bech32m() {
    assert_eq!(
        btc_bech32_address("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4").as_deref(),
        Some("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
    );
    assert!(btc_bech32_address("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4").is_some());
    // Taproot (bech32m, BIP-350 test vector).
    assert!(
        btc_bech32_address("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")
            .is_some()
    );
    // Bad checksum; mixed case; version 0 with a bech32m checksum.
    assert!(btc_bech32_address("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5").is_none());
    assert!(btc_bech32_address("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kV8f3t4").is_none());
    assert!(btc_bech32_address("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh").is_none());
}

#[test]
fn ethereum_eip55() {
    let ok = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    assert_eq!(
        eth_address(ok),
        Some(EthAddress::Checksummed(ok.to_string()))
    );
    assert_eq!(
        eth_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
        Some(EthAddress::Unchecksummed(ok.to_string()))
    );
    assert!(matches!(
        eth_address("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"),
        Some(EthAddress::Unchecksummed(_))
    ));
    // Mixed case with one letter's case flipped: fails EIP-55.
    assert_eq!(
        eth_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"),
        None
    );
    assert_eq!(
        eth_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe"),
        None
    );
    assert_eq!(
        eth_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg"),
        None
    );
}

#[test]
fn tron() {
    // USDT's TRC-20 contract address.
    assert!(tron_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t").is_some());
    assert!(tron_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u").is_none());
    // A valid Bitcoin address is not a Tron address.
    assert!(tron_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").is_none());
}

#[test]
fn iban_mod97_and_lengths() {
    assert_eq!(
        iban("GB82WEST12345698765432").as_deref(),
        Some("GB82WEST12345698765432")
    );
    assert_eq!(
        iban("gb82west12345698765432").as_deref(),
        Some("GB82WEST12345698765432")
    );
    assert!(iban("DE89370400440532013000").is_some());
    assert!(iban("FR1420041010050500013M02606").is_some());
    assert!(iban("NL91ABNA0417164300").is_some());
    // A digit changed; the wrong length for the country; an unknown country.
    assert!(iban("GB82WEST12345698765433").is_none());
    assert!(iban("GB82WEST1234569876543").is_none());
    assert!(iban("ZZ82WEST12345698765432").is_none());
}

#[test]
fn aba_routing_numbers() {
    assert!(aba_routing(b"011000015"));
    assert!(aba_routing(b"021000021"));
    assert!(!aba_routing(b"011000016"));
    assert!(!aba_routing(b"123456789"));
    assert!(!aba_routing(b"01100001"));
}

#[test]
fn cards_luhn_and_prefix() {
    assert_eq!(card_number(b"4111111111111111"), Some("Visa"));
    assert_eq!(card_number(b"5555555555554444"), Some("Mastercard"));
    assert_eq!(card_number(b"378282246310005"), Some("American Express"));
    assert_eq!(card_number(b"6011111111111117"), Some("Discover"));
    assert_eq!(card_number(b"4111111111111112"), None);
    // Luhn-valid but no issuer uses the prefix 9.
    assert_eq!(card_number(b"9111111111111115"), None);
    assert!(luhn(b"79927398713"));
    assert!(!luhn(b""));
}
