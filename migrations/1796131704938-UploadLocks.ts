import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UploadLocks1796131704938 implements MigrationInterface {
  name = 'UploadLocks1796131704938';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "resumable_uploads" ADD "lock_token" text`);
    await queryRunner.query(`ALTER TABLE "resumable_uploads" ADD "locked_until" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "resumable_uploads" ADD "release_requested" boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "resumable_uploads" DROP COLUMN "release_requested"`);
    await queryRunner.query(`ALTER TABLE "resumable_uploads" DROP COLUMN "locked_until"`);
    await queryRunner.query(`ALTER TABLE "resumable_uploads" DROP COLUMN "lock_token"`);
  }
}
