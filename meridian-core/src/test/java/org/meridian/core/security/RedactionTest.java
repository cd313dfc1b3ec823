package org.meridian.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void urlsLoseTheirPasswordsAndKeepTheRest() {
        assertThat(Redaction.url("jdbc:postgresql://db:5432/city?user=m&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/city?user=m&password=********&ssl=true");
        assertThat(Redaction.url("tcp://meridian:s3cret@mosquitto:1883")).isEqualTo("tcp://meridian:********@mosquitto:1883");
        assertThat(Redaction.url("jdbc:postgresql://db:5432/city")).isEqualTo("jdbc:postgresql://db:5432/city");
        assertThat(Redaction.url("tcp://user@host:1883")).isEqualTo("tcp://user@host:1883");
    }

    @Test
    void apiKeysShowTheirFirstCharacters() {
        assertThat(Redaction.apiKey("abcdef123456")).isEqualTo("abcd********");
        assertThat(Redaction.apiKey("abc")).isEqualTo("********");
    }
}
