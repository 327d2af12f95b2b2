package io.heliograph;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The pom's own rules: every version is named once (a property or a BOM), Jackson comes through its
 * BOM, the Java release is set in one place, the enforcer checks the tools, and nothing in it
 * describes one particular machine.
 */
class BuildFileTest {
    private static final Path POM = Path.of("pom.xml");

    @Test
    void everyVersionIsAPropertyOrComesFromABom() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(POM.toFile());
        List<String> literal = new ArrayList<>();
        NodeList versions = pom.getElementsByTagName("version");
        for (int i = 0; i < versions.getLength(); i++) {
            Element version = (Element) versions.item(i);
            Node owner = version.getParentNode();
            boolean project = owner.getParentNode() == pom;
            String text = version.getTextContent().trim();
            if (!project && owner.getNodeName().matches("dependency|plugin|path") && !text.matches("\\$\\{[^}]+}")) {
                literal.add(((Element) owner).getElementsByTagName("artifactId").item(0).getTextContent() + ":" + text);
            }
        }
        assertThat(literal).as("versions written inline instead of as properties").isEmpty();

        NodeList properties = ((Element) pom.getElementsByTagName("properties").item(0)).getChildNodes();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < properties.getLength(); i++) {
            if (properties.item(i) instanceof Element p && p.getTagName().endsWith(".version")) {
                values.add(p.getTagName() + "=" + p.getTextContent().trim());
            }
        }
        // Two properties with one value are one version written twice (surefire and failsafe share one).
        assertThat(values).as("version properties").isNotEmpty()
                .allSatisfy(v -> assertThat(values.stream().filter(o -> o.split("=")[1].equals(v.split("=")[1])).toList())
                        .as("properties with the value of " + v).hasSize(1));
    }

    @Test
    void jacksonComesThroughItsBom() throws Exception {
        String pom = Files.readString(POM);
        assertThat(pom).contains("<artifactId>jackson-bom</artifactId>");
        Matcher databind = Pattern.compile("<artifactId>jackson-databind</artifactId>\\s*(<[^/][^>]*>[^<]*</[^>]+>\\s*)*</dependency>")
                .matcher(pom);
        assertThat(databind.find()).isTrue();
        assertThat(databind.group()).doesNotContain("<version>");
    }

    @Test
    void theJavaReleaseIsWrittenOnce() throws Exception {
        String pom = Files.readString(POM);
        assertThat(Pattern.compile(">21<").matcher(pom).results().count()).as("a literal 21 in the pom").isEqualTo(1);
        assertThat(pom).contains("<java.release>21</java.release>")
                .contains("<maven.compiler.release>${java.release}</maven.compiler.release>")
                .contains("<version>[${java.release},)</version>");
    }

    @Test
    void theEnforcerChecksMavenAndJava() throws Exception {
        String pom = Files.readString(POM);
        assertThat(pom).contains("<artifactId>maven-enforcer-plugin</artifactId>")
                .contains("<requireMavenVersion>").contains("<requireJavaVersion>");
    }

    @Test
    void noCommentDescribesOneMachine() throws Exception {
        List<String> comments = Pattern.compile("<!--(.*?)-->", Pattern.DOTALL).matcher(Files.readString(POM)).results()
                .map(m -> m.group(1)).toList();
        assertThat(comments).isNotEmpty()
                .noneMatch(c -> c.matches("(?is).*\\b(this|the) machine\\b.*|.*\\bhere\\b.*|.*maven 3\\.8.*"));
    }
}
