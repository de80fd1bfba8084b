import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A tus upload may carry a focal point in its Upload-Metadata (contract §13): kept until the image is made. */
export class TusFocalPoint1796500000000 implements MigrationInterface {
  name = 'TusFocalPoint1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "resumable_uploads" ADD "focal_x" real`);
    await queryRunner.query(`ALTER TABLE "resumable_uploads" ADD "focal_y" real`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "resumable_uploads" DROP COLUMN "focal_y"`);
    await queryRunner.query(`ALTER TABLE "resumable_uploads" DROP COLUMN "focal_x"`);
  }
}
