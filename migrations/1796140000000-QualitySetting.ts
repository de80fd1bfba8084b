import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Contract §15: a collection's quality (1–100 or "auto"), and the quality each image was encoded with. */
export class QualitySetting1796140000000 implements MigrationInterface {
  name = 'QualitySetting1796140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "collections" ADD "quality" text NOT NULL DEFAULT '80'`);
    await queryRunner.query(`ALTER TABLE "images" ADD "quality" smallint`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "images" DROP COLUMN "quality"`);
    await queryRunner.query(`ALTER TABLE "collections" DROP COLUMN "quality"`);
  }
}
