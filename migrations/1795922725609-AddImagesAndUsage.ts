import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddImagesAndUsage1795922725609 implements MigrationInterface {
  name = 'AddImagesAndUsage1795922725609';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "images" ("id" text NOT NULL, "user_id" text NOT NULL, "collection_id" text NOT NULL, "slug" text NOT NULL, "checksum" text NOT NULL, "status" text NOT NULL, "step" text NOT NULL, "progress" integer NOT NULL DEFAULT '0', "error" text, "source_format" text NOT NULL, "source_bytes" bigint NOT NULL, "original_filename" text, "width" integer NOT NULL, "height" integer NOT NULL, "frames" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "ready_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_1fe148074c6a1a91b63cb9ee3c9" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "images_collection_id_idx" ON "images"  ("collection_id") `);
    await queryRunner.query(`CREATE INDEX "images_user_created_idx" ON "images"  ("user_id", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "images_collection_slug_key" ON "images"  ("collection_id", "slug") `);
    await queryRunner.query(`CREATE TABLE "image_variants" ("image_id" text NOT NULL, "size" integer NOT NULL, "width" integer NOT NULL, "height" integer NOT NULL, "bytes" integer NOT NULL, CONSTRAINT "PK_e788adc8e109af094c9f7531dba" PRIMARY KEY ("image_id", "size"))`);
    await queryRunner.query(`CREATE TABLE "usage" ("user_id" text NOT NULL, "period" date NOT NULL, "used" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_94a79cefe24367c85b3da44f9c3" PRIMARY KEY ("user_id", "period"))`);
    await queryRunner.query(`ALTER TABLE "images" ADD CONSTRAINT "images_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "images" ADD CONSTRAINT "images_collection_id_fkey" FOREIGN KEY ("collection_id") REFERENCES "collections"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "image_variants" ADD CONSTRAINT "image_variants_image_id_fkey" FOREIGN KEY ("image_id") REFERENCES "images"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "usage" ADD CONSTRAINT "usage_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "usage" DROP CONSTRAINT "usage_user_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "image_variants" DROP CONSTRAINT "image_variants_image_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "images" DROP CONSTRAINT "images_collection_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "images" DROP CONSTRAINT "images_user_id_fkey"`);
    await queryRunner.query(`DROP TABLE "usage"`);
    await queryRunner.query(`DROP TABLE "image_variants"`);
    await queryRunner.query(`DROP INDEX "public"."images_collection_slug_key"`);
    await queryRunner.query(`DROP INDEX "public"."images_user_created_idx"`);
    await queryRunner.query(`DROP INDEX "public"."images_collection_id_idx"`);
    await queryRunner.query(`DROP TABLE "images"`);
  }
}
