# JVM flags every Palaver process gets: Hazelcast's module openings on JDK 17
# (the jars' manifests carry them too) and no phone-home.
PALAVER_JAVA_OPTS="${PALAVER_JAVA_OPTS:-} --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
 --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 --add-opens java.management/sun.management=ALL-UNNAMED \
 --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED -Dhazelcast.phone.home.enabled=false"
