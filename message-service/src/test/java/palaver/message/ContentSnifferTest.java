package palaver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ContentSniffer: an upload's type from its first bytes")
class ContentSnifferTest {

  @Test
  @DisplayName("PNG's signature is image/png")
  void png() {
    assertEquals("image/png", sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13)));
  }

  @Test
  @DisplayName("JPEG's SOI marker is image/jpeg")
  void jpeg() {
    assertEquals("image/jpeg", sniff(bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 16)));
  }

  @Test
  @DisplayName("GIF87a and GIF89a are image/gif")
  void gif() {
    assertEquals("image/gif", sniff(ascii("GIF87a....")));
    assertEquals("image/gif", sniff(ascii("GIF89a....")));
  }

  @Test
  @DisplayName("A RIFF container of WEBP is image/webp")
  void webp() {
    assertEquals("image/webp", sniff(ascii("RIFF\0\0\0\0WEBPVP8 ")));
  }

  @Test
  @DisplayName("A RIFF container of WAVE is audio/wav")
  void wav() {
    assertEquals("audio/wav", sniff(ascii("RIFF\0\0\0\0WAVEfmt ")));
  }

  @Test
  @DisplayName("An Ogg page is audio/ogg")
  void ogg() {
    assertEquals("audio/ogg", sniff(ascii("OggS\0\2\0\0\0\0")));
  }

  @Test
  @DisplayName("An ID3 tag is audio/mpeg")
  void mp3WithId3() {
    assertEquals("audio/mpeg", sniff(ascii("ID3\3\0\0\0\0\0\0")));
  }

  @Test
  @DisplayName("A bare MPEG audio frame header is audio/mpeg")
  void mp3Frame() {
    assertEquals("audio/mpeg", sniff(bytes(0xFF, 0xFB, 0x90, 0x64)));
  }

  @Test
  @DisplayName("An EBML header naming webm is audio/webm, any other EBML is octet-stream")
  void webm() {
    byte[] webm = concat(bytes(0x1A, 0x45, 0xDF, 0xA3), ascii("\u0001\0\0\0webm"));
    assertEquals("audio/webm", sniff(webm));
    assertEquals(ContentSniffer.OCTET_STREAM, sniff(concat(bytes(0x1A, 0x45, 0xDF, 0xA3), ascii("matroska"))));
  }

  @Test
  @DisplayName("A WebM whose Tracks hold a video track is video/webm, one with audio tracks only stays audio/webm")
  void videoWebm() {
    byte[] video = VideoBytes.webm(VideoBytes.info(), VideoBytes.tracks(VideoBytes.track(2), VideoBytes.track(1)));
    assertEquals("video/webm", sniff(video));
    byte[] voice = VideoBytes.webm(VideoBytes.info(), VideoBytes.tracks(VideoBytes.track(2)));
    assertEquals("audio/webm", sniff(voice));
  }

  @Test
  @DisplayName("A WebM track with a Video element but no TrackType is video/webm")
  void videoElementWebm() {
    byte[] entry = VideoBytes.element(Ebml.TRACK_ENTRY, VideoBytes.element(Ebml.VIDEO, VideoBytes.unsigned(0xB0, 64)));
    assertEquals("video/webm", sniff(VideoBytes.webm(VideoBytes.tracks(entry))));
  }

  @Test
  @DisplayName("An MP4 ftyp box is audio/mp4 for M4A brands and video/mp4 otherwise")
  void mp4() {
    assertEquals("audio/mp4", sniff(ascii("\0\0\0\u0020ftypM4A \0\0")));
    assertEquals("video/mp4", sniff(ascii("\0\0\0\u0020ftypisom\0\0")));
  }

  @Test
  @DisplayName("%PDF- is application/pdf")
  void pdf() {
    assertEquals("application/pdf", sniff(ascii("%PDF-1.7\n")));
  }

  @Test
  @DisplayName("A local zip header is application/zip")
  void zip() {
    assertEquals("application/zip", sniff(bytes('P', 'K', 3, 4, 20, 0)));
  }

  @Test
  @DisplayName("SVG is never an image: it comes out as plain text")
  void svgIsNotAnImage() {
    String mime = sniff(ascii("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"));
    assertEquals(ContentSniffer.TEXT, mime);
    assertFalse(ContentSniffer.IMAGES.contains(mime));
  }

  @Test
  @DisplayName("HTML comes out as plain text, never text/html")
  void htmlIsPlainText() {
    assertEquals(ContentSniffer.TEXT, sniff(ascii("<!DOCTYPE html><html><body>hi</body></html>")));
  }

  @Test
  @DisplayName("Valid UTF-8 text is text/plain")
  void utf8Text() {
    assertEquals(ContentSniffer.TEXT, sniff("Grüße, 世界\n".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  @DisplayName("Unknown binary bytes are application/octet-stream")
  void unknownBinary() {
    assertEquals(ContentSniffer.OCTET_STREAM, sniff(bytes(0x00, 0x01, 0x02, 0x03, 0xFE)));
  }

  @Test
  @DisplayName("Invalid UTF-8 is application/octet-stream")
  void invalidUtf8() {
    assertEquals(ContentSniffer.OCTET_STREAM, sniff(bytes('a', 'b', 0xC3, 'c')));
  }

  @Test
  @DisplayName("Text whose kept head ends inside a multi-byte character is still text when the file goes on")
  void cutCharacterInTruncatedHead() {
    byte[] text = "abc€".getBytes(StandardCharsets.UTF_8);
    byte[] cut = Arrays.copyOf(text, text.length - 1);
    assertEquals(ContentSniffer.TEXT, ContentSniffer.sniff(cut, cut.length, true));
    assertEquals(ContentSniffer.OCTET_STREAM, ContentSniffer.sniff(cut, cut.length, false));
  }

  private static String sniff(byte[] head) {
    return ContentSniffer.sniff(head, head.length, false);
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
