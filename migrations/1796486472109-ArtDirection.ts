import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ArtDirection1796486472109 implements MigrationInterface {
  name = 'ArtDirection1796486472109';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "collections" ADD "variants" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE "collections" ADD "metadata" text NOT NULL DEFAULT 'none'`);
    await queryRunner.query(`ALTER TABLE "collections" ADD "color_profile" text NOT NULL DEFAULT 'srgb'`);
    await queryRunner.query(`ALTER TABLE "images" ADD "focal_x" real`);
    await queryRunner.query(`ALTER TABLE "images" ADD "focal_y" real`);
    await queryRunner.query(`ALTER TABLE "images" ADD "focal_source" text`);
    await queryRunner.query(`ALTER TABLE "images" ADD "named_variants" jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "images" DROP COLUMN "named_variants"`);
    await queryRunner.query(`ALTER TABLE "images" DROP COLUMN "focal_source"`);
    await queryRunner.query(`ALTER TABLE "images" DROP COLUMN "focal_y"`);
    await queryRunner.query(`ALTER TABLE "images" DROP COLUMN "focal_x"`);
    await queryRunner.query(`ALTER TABLE "collections" DROP COLUMN "color_profile"`);
    await queryRunner.query(`ALTER TABLE "collections" DROP COLUMN "metadata"`);
    await queryRunner.query(`ALTER TABLE "collections" DROP COLUMN "variants"`);
  }
}
