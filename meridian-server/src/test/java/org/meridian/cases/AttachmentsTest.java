package org.meridian.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.InTenant;
import org.meridian.testing.TestServer;

/** Photos and documents on cases: checked by content, kept exactly, served safely, only to those who see the case. */
class AttachmentsTest {
    private final Api operator = TestServer.api();
    private final String tenant = TestServer.newTenant();
    private final InTenant city = new InTenant(operator, tenant);
    private Api citizen;
    private Api dispatcher;
    private Api water;
    private String id;

    @BeforeEach
    void aReportedCase() {
        city.ok(operator.put("/admin/v1/departments/water", "{\"name\": \"Water\"}"));
        city.ok(operator.put("/admin/v1/departments/parks", "{\"name\": \"Parks\"}"));
        city.ok(operator.put("/cases/v1/categories/manhole-cover", "{\"name\": \"Manhole cover\"}"));
        city.ok(operator.put("/cases/v1/routing", "{\"category\": \"manhole-cover\", \"lead\": \"water\"}"));
        citizen = city.person("citizen", "", "citizen");
        dispatcher = city.person("dispatcher", "", "dispatcher");
        water = city.person("water", "water", "staff");
        id = city.ok(citizen.post("/cases/v1/cases", """
                {"category": "manhole-cover", "description": "cover missing", "location": {"type": "Point", "coordinates": [120.1, 30.2]}}"""))
                .path("id").asText();
    }

    private Api.Response upload(Api who, byte[] bytes, String type, String name) {
        return city.send(who.postBytes("/cases/v1/cases/" + id + "/attachments" + (name == null ? "" : "?name=" + name), bytes, type));
    }

    @Test
    void aPhotoIsKeptExactlyWithAThumbnailAndServedSafely() throws Exception {
        byte[] photo = image(2400, 1600, "jpeg");
        Api.Response created = upload(citizen, photo, "image/jpeg", "%E4%BA%95%E7%9B%96.jpg");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode attachment = created.json();
        assertThat(attachment.path("name").asText()).isEqualTo("井盖.jpg");
        assertThat(attachment.path("size").asInt()).isEqualTo(photo.length);
        assertThat(upload(citizen, photo, "image/jpeg", null).json().path("id").asText()).as("the same photo twice is one")
                .isEqualTo(attachment.path("id").asText());

        Api.Response original = city.send(dispatcher.get(attachment.path("url").asText()));
        assertThat(original.status()).isEqualTo(200);
        assertThat(original.header("Content-Type")).isEqualTo("image/jpeg");
        assertThat(original.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(original.header("Content-Security-Policy")).contains("default-src 'none'");
        assertThat(original.header("Content-Disposition")).isEqualTo("inline; filename*=UTF-8''%E4%BA%95%E7%9B%96.jpg");
        assertThat(dispatcher.get(attachment.path("url").asText()).tenant(tenant).sendForBytes()).as("exactly as sent").isEqualTo(photo);
        Api.Response thumbnail = city.send(dispatcher.get(attachment.path("thumbnail").asText()));
        assertThat(thumbnail.header("Content-Type")).isEqualTo("image/jpeg");
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(
                dispatcher.get(attachment.path("thumbnail").asText()).tenant(tenant).sendForBytes()));
        assertThat(Math.max(small.getWidth(), small.getHeight())).isEqualTo(320);
        assertThat(small.getWidth()).as("its proportions kept").isEqualTo(320);
        assertThat(small.getHeight()).isBetween(212, 214);

        byte[] pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        JsonNode document = upload(dispatcher, pdf, "application/pdf", "report.pdf").json();
        assertThat(document.has("thumbnail")).isFalse();
        assertThat(city.send(dispatcher.get(document.path("url").asText())).header("Content-Disposition")).startsWith("attachment;");

        assertThat(city.ok(citizen.get("/cases/v1/cases/" + id + "/attachments"))).hasSize(2);
        assertThat(city.ok(dispatcher.get("/cases/v1/cases/" + id)).path("events").toString()).contains("\"kind\":\"attached\"");

        // The lead department's evidence is the case's own attachments.
        city.ok(dispatcher.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"register\"}"));
        city.ok(dispatcher.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"dispatch\"}"));
        city.ok(water.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"accept\"}"));
        assertThat(city.send(water.post("/cases/v1/cases/" + id + "/actions",
                "{\"action\": \"handle\", \"result\": \"fixed\", \"evidence\": [\"0123456789abcdef\"]}")).status()).isEqualTo(400);
        String after = upload(water, image(800, 600, "png"), "image/png", "after.png").json().path("id").asText();
        city.ok(water.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"handle\", \"result\": \"fixed\", \"evidence\": [\""
                + after + "\"]}"));
    }

    @Test
    void disguisedOversizedAndBrokenFilesAreRefusedAndNothingIsStored() throws Exception {
        byte[] png = image(40, 30, "png");
        byte[] html = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8);
        byte[] brokenJpeg = new byte[2000];
        brokenJpeg[0] = (byte) 0xFF;
        brokenJpeg[1] = (byte) 0xD8;
        brokenJpeg[2] = (byte) 0xFF;
        byte[] huge = new byte[5 * 1024 * 1024 + 1];
        System.arraycopy(png, 0, huge, 0, png.length);
        record Refusal(byte[] bytes, String type, int status) {
        }
        for (Refusal refusal : List.of(new Refusal(png, "image/jpeg", 415), new Refusal(html, "image/jpeg", 415),
                new Refusal(html, "text/html", 415), new Refusal(new byte[0], "image/png", 400), new Refusal(huge, "image/png", 413),
                new Refusal(brokenJpeg, "image/jpeg", 400), new Refusal(bomb(png), "image/png", 400))) {
            Api.Response refused = refused(refusal.bytes(), refusal.type());
            assertThat(refused.status()).as(refusal.type() + ": " + refused).isEqualTo(refusal.status());
            assertThat(refused.json().path("detail").asText()).isNotBlank();
        }
        assertThat(upload(citizen, png, "image/png", "a%0Ab.png").status()).as("a name of two lines").isEqualTo(400);
        Api neighbour = city.person("neighbour", "", "citizen");
        Api parks = city.person("parks", "parks", "staff");
        assertThat(upload(neighbour, png, "image/png", null).status()).as("another citizen's case").isEqualTo(404);
        assertThat(upload(parks, png, "image/png", null).status()).as("a department not on the case").isEqualTo(404);
        assertThat(city.ok(citizen.get("/cases/v1/cases/" + id + "/attachments"))).as("nothing stored").isEmpty();
        String kept = upload(citizen, png, "image/png", null).json().path("url").asText();
        assertThat(city.send(neighbour.get(kept)).status()).as("nor read by them").isEqualTo(404);
    }

    /**
     * A refused upload. The server answers an oversized one (413) without reading its body and closes the connection;
     * the close sometimes overtakes the answer, or the next request meets the closed connection (the client then sees
     * no response at all). The refusal must still come with its status and reason; only a connection lost before any
     * answer is tried again, twice at most.
     */
    private Api.Response refused(byte[] bytes, String type) {
        for (int attempt = 1; ; attempt++) {
            try {
                return upload(citizen, bytes, type, null);
            } catch (java.io.UncheckedIOException lost) {
                if (attempt == 3) {
                    throw lost;
                }
            }
        }
    }

    private static byte[] image(int width, int height, String format) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(Color.DARK_GRAY);
        graphics.fillRect(0, 0, width, height);
        graphics.setColor(Color.ORANGE);
        graphics.fillOval(width / 4, height / 4, width / 2, height / 2);
        graphics.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    /** A small PNG whose header claims 60,000 × 60,000 pixels (3.6 gigapixels): a decompression bomb's header. */
    private static byte[] bomb(byte[] png) {
        byte[] patched = Arrays.copyOf(png, png.length);
        ByteBuffer header = ByteBuffer.wrap(patched);
        header.putInt(16, 60_000).putInt(20, 60_000);
        CRC32 crc = new CRC32();
        crc.update(patched, 12, 17);
        header.putInt(29, (int) crc.getValue());
        return patched;
    }
}
