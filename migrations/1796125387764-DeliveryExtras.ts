import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeliveryExtras1796125387764 implements MigrationInterface {
  name = 'DeliveryExtras1796125387764';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "reprocess_runs" ("id" text NOT NULL, "collection_id" text NOT NULL, "user_id" text NOT NULL, "total" integer NOT NULL, "done" integer NOT NULL DEFAULT '0', "failed" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_4e5a5b9e4d18fc29eb39a5aef46" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "reprocess_runs_one_running_key" ON "reprocess_runs"  ("collection_id") WHERE "finished_at" IS NULL`);
    await queryRunner.query(`ALTER TABLE "collections" ADD "formats" text array NOT NULL DEFAULT '{webp}'`);
    await queryRunner.query(`ALTER TABLE "image_variants" ADD "format" text NOT NULL DEFAULT 'webp'`);
    await queryRunner.query(`ALTER TABLE "image_variants" DROP CONSTRAINT "PK_e788adc8e109af094c9f7531dba"`);
    await queryRunner.query(`ALTER TABLE "image_variants" ADD CONSTRAINT "PK_12ba17363835a4c027093f2cd5f" PRIMARY KEY ("image_id", "size", "format")`);
    await queryRunner.query(`ALTER TABLE "images" ADD "failure_kind" text`);
    await queryRunner.query(`ALTER TABLE "images" ADD "reprocess_run_id" text`);
    await queryRunner.query(`ALTER TABLE "images" ADD "placeholder" jsonb`);
    await queryRunner.query(`CREATE INDEX "images_collection_checksum_idx" ON "images"  ("collection_id", "checksum") `);
    await queryRunner.query(`ALTER TABLE "reprocess_runs" ADD CONSTRAINT "reprocess_runs_collection_id_fkey" FOREIGN KEY ("collection_id") REFERENCES "collections"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reprocess_runs" DROP CONSTRAINT "reprocess_runs_collection_id_fkey"`);
    await queryRunner.query(`DROP INDEX "public"."images_collection_checksum_idx"`);
    await queryRunner.query(`ALTER TABLE "images" DROP COLUMN "placeholder"`);
    await queryRunner.query(`ALTER TABLE "images" DROP COLUMN "reprocess_run_id"`);
    await queryRunner.query(`ALTER TABLE "images" DROP COLUMN "failure_kind"`);
    await queryRunner.query(`ALTER TABLE "image_variants" DROP CONSTRAINT "PK_12ba17363835a4c027093f2cd5f"`);
    await queryRunner.query(`ALTER TABLE "image_variants" ADD CONSTRAINT "PK_e788adc8e109af094c9f7531dba" PRIMARY KEY ("image_id", "size")`);
    await queryRunner.query(`ALTER TABLE "image_variants" DROP COLUMN "format"`);
    await queryRunner.query(`ALTER TABLE "collections" DROP COLUMN "formats"`);
    await queryRunner.query(`DROP INDEX "public"."reprocess_runs_one_running_key"`);
    await queryRunner.query(`DROP TABLE "reprocess_runs"`);
  }
}
