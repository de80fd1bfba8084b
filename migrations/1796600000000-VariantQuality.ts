import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Contract §15: the encoder quality each stored file was made with; files made before have none. */
export class VariantQuality1796600000000 implements MigrationInterface {
  name = 'VariantQuality1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "image_variants" ADD "quality" smallint`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "image_variants" DROP COLUMN "quality"`);
  }
}
