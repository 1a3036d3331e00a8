package palaver.store;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;

/** A fresh RSA key and a self-signed certificate for it, as PEM text (no network, no CA). */
record SelfSignedCredential(String certificatePem, String privateKeyPem) {
  private static final long DAY_MS = 24L * 3600 * 1000;

  static SelfSignedCredential generate(String commonName) throws IOException {
    try {
      SecureRandom random = new SecureRandom();
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, random);
      KeyPair pair = generator.generateKeyPair();
      AlgorithmIdentifier algorithm = new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption,
          DERNull.INSTANCE);
      long now = System.currentTimeMillis();
      X500Name name = new X500Name("CN=" + commonName);
      V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
      tbs.setSerialNumber(new ASN1Integer(new BigInteger(63, random)));
      tbs.setIssuer(name);
      tbs.setSubject(name);
      tbs.setStartDate(new Time(new Date(now - DAY_MS)));
      // The certificate is pinned, not checked against a CA; it lives as long as the data dir.
      tbs.setEndDate(new Time(new Date(now + 100 * 365 * DAY_MS)));
      tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()));
      tbs.setSignature(algorithm);
      TBSCertificate certificate = tbs.generateTBSCertificate();
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(pair.getPrivate());
      signer.update(certificate.getEncoded("DER"));
      ASN1EncodableVector signed = new ASN1EncodableVector();
      signed.add(certificate);
      signed.add(algorithm);
      signed.add(new DERBitString(signer.sign()));
      return new SelfSignedCredential(pem("CERTIFICATE", new DERSequence(signed).getEncoded("DER")),
          pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot generate the store's certificate: " + e.getMessage(), e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
