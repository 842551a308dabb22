package io.coffer.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package boundaries of DESIGN.md (the repository's own), enforced. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.coffer.server");
  }

  @Test
  void only_http_knows_the_web_framework() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.coffer.server.http..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.netty..", "org.eclipse.jetty..", "jakarta.servlet..")
        .check(classes);
  }

  @Test
  void only_storage_knows_sql() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.coffer.server.storage..", "io.coffer.server.rotation..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..", "javax.sql..", "org.sqlite..", "org.postgresql..", "com.zaxxer..")
        .check(classes);
  }

  /** Rotation speaks SQL to the database whose password it rotates, never to Coffer's own. */
  @Test
  void rotation_reaches_no_storage_internals() {
    noClasses()
        .that()
        .resideInAPackage("io.coffer.server.rotation..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.sqlite..", "com.zaxxer..")
        .check(classes);
  }

  /**
   * Loading any Bouncy Castle class reads its signed jar's manifest into the heap (some 7 MiB), and
   * the start-up cache links at start every class it holds with the types they hand each other. So
   * beside certificate making, serving code uses only the static Ed25519 functions, which load
   * nothing until the first audit checkpoint is signed.
   */
  @Test
  void bouncy_castle_stays_out_of_the_start() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.coffer.server.tls..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("org.bouncycastle..")
                .and(not(resideInAPackage("org.bouncycastle.math.ec.rfc8032.."))))
        .check(classes);
  }

  /**
   * Building a Jackson mapper loads some 280 classes, 5 MiB of a started server; bodies and answers
   * go without one, so a class that needs it builds it in a nested {@code Mapper} holder, on first
   * use, never when the class is initialised at start.
   */
  @Test
  void no_mapper_is_built_when_a_class_is_initialised() {
    classes()
        .that()
        .doNotHaveSimpleName("Mapper")
        .should(
            new ArchCondition<JavaClass>("not build an ObjectMapper in their static initialiser") {
              @Override
              public void check(JavaClass type, ConditionEvents events) {
                type.getStaticInitializer().stream()
                    .flatMap(init -> init.getConstructorCallsFromSelf().stream())
                    .filter(call -> call.getTargetOwner().isAssignableTo(ObjectMapper.class))
                    .forEach(call ->
                        events.add(SimpleConditionEvent.violated(call, call.getDescription())));
              }
            })
        .check(classes);
  }

  @Test
  void only_http_speaks_the_azure_wire_format() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.coffer.server.http..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.coffer.wire..")
        .check(classes);
  }

  @Test
  void storage_depends_on_no_feature() {
    noClasses()
        .that()
        .resideInAPackage("io.coffer.server.storage..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.coffer.server.secrets..",
            "io.coffer.server.identity..",
            "io.coffer.server.authz..",
            "io.coffer.server.vault..",
            "io.coffer.server.crypto..",
            "io.coffer.server.http..")
        .check(classes);
  }

  @Test
  void http_does_not_import_storage() {
    noClasses()
        .that()
        .resideInAPackage("io.coffer.server.http..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.coffer.server.storage..")
        .check(classes);
  }

  @Test
  void no_feature_reaches_back_into_http() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.coffer.server.secrets..",
            "io.coffer.server.identity..",
            "io.coffer.server.authz..",
            "io.coffer.server.vault..",
            "io.coffer.server.crypto..",
            "io.coffer.server.storage..",
            "io.coffer.server.config..",
            "io.coffer.server.tls..",
            "io.coffer.server.metrics..",
            "io.coffer.server.events..",
            "io.coffer.server.rotation..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.coffer.server.http..")
        .check(classes);
  }

  @Test
  void only_the_web_layer_storage_and_metrics_know_micrometer() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "io.coffer.server.http..", "io.coffer.server.storage..", "io.coffer.server.metrics..")
        .and()
        .doNotHaveFullyQualifiedName("io.coffer.server.CofferServer")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.micrometer..")
        .check(classes);
  }

  @Test
  void feature_packages_are_free_of_cycles() {
    slices().matching("io.coffer.server.(*)..").should().beFreeOfCycles().check(classes);
  }
}
