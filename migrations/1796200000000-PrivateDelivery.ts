import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Private collections (visibility, copied onto their images), the generated URL signing key, and direct uploads. */
export class PrivateDelivery1796200000000 implements MigrationInterface {
  name = 'PrivateDelivery1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "collections" ADD "visibility" text NOT NULL DEFAULT 'public'`);
    await queryRunner.query(`ALTER TABLE "images" ADD "visibility" text NOT NULL DEFAULT 'public'`);
    // A new image takes its collection's visibility. FOR SHARE waits for a visibility change in
    // progress (it locks the collection row FOR UPDATE), so the change's UPDATE of images sees this row.
    await queryRunner.query(`CREATE FUNCTION "images_inherit_visibility"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE v text;
      BEGIN
        SELECT c.visibility INTO v FROM collections c WHERE c.id = NEW.collection_id FOR SHARE;
        IF FOUND THEN NEW.visibility := v; END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "images_inherit_visibility" BEFORE INSERT ON "images" FOR EACH ROW EXECUTE FUNCTION "images_inherit_visibility"()`);
    await queryRunner.query(`CREATE TABLE "signing_keys" ("id" text NOT NULL, "secret" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_signing_keys" PRIMARY KEY ("id"))`);
    await queryRunner.query(
      `CREATE TABLE "direct_uploads" ("id" text NOT NULL, "user_id" text NOT NULL, "collection_id" text NOT NULL, "filename" text NOT NULL, "size" bigint NOT NULL, "checksum" text NOT NULL, "slug" text, "status" text NOT NULL DEFAULT 'pending', "image_id" text, "claimed_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_direct_uploads" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "direct_uploads_expires_at_idx" ON "direct_uploads" ("expires_at")`);
    await queryRunner.query(`ALTER TABLE "direct_uploads" ADD CONSTRAINT "direct_uploads_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "direct_uploads" ADD CONSTRAINT "direct_uploads_collection_id_fkey" FOREIGN KEY ("collection_id") REFERENCES "collections"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "direct_uploads"`);
    await queryRunner.query(`DROP TABLE "signing_keys"`);
    await queryRunner.query(`DROP TRIGGER "images_inherit_visibility" ON "images"`);
    await queryRunner.query(`DROP FUNCTION "images_inherit_visibility"()`);
    await queryRunner.query(`ALTER TABLE "images" DROP COLUMN "visibility"`);
    await queryRunner.query(`ALTER TABLE "collections" DROP COLUMN "visibility"`);
  }
}
